using EmbedSweeps.Embeddings.Data;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// sentence-transformers' <c>EmbeddingSimilarityEvaluator</c> (and MTEB's STS protocol): embed both
/// sentences of each pair, score them by cosine, negative Manhattan, negative Euclidean distance and
/// dot product, and correlate each score with the gold similarity (Pearson and Spearman).
/// Primary metric: the Spearman correlation of the model's own similarity function (<c>spearman_cosine</c> unless
/// config_sentence_transformers.json names another), as sentence-transformers' evaluator chooses it. Texts get
/// the prompt MTEB would give them for <paramref name="mtebTaskName"/> (an STS task: none unless the model names one).
/// Items for confidence intervals: the pairs.
/// </summary>
public sealed class EmbeddingSimilarityEvaluator(
    string name, IReadOnlyList<ScoredPair> pairs, int batchSize = 32, string mtebTaskName = "STSBenchmark") : ISentenceEvaluator
{
    public string Name { get; } = name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        if (pairs.Count < 2) throw new EmbedSweepsException($"{Name}: needs at least two scored pairs, has {pairs.Count}.");
        var dimension = encoder.Dimension;
        var prompt = encoder.Settings.PromptForTask(mtebTaskName, "STS", promptType: null);
        var first = encoder.Encode(pairs.Select(p => p.Sentence1).ToList(), batchSize, prompt: prompt);
        var second = encoder.Encode(pairs.Select(p => p.Sentence2).ToList(), batchSize, prompt: prompt);
        var gold = pairs.Select(p => p.Score).ToArray();

        var scores = Similarity.Names.ToDictionary(fn => fn, fn => Enumerable.Range(0, pairs.Count)
            .Select(i => Similarity.Pairwise(fn, first.AsSpan(i * dimension, dimension), second.AsSpan(i * dimension, dimension))).ToArray());

        IReadOnlyDictionary<string, double> Compute(IReadOnlyList<int> items)
        {
            var truth = items.Select(i => gold[i]).ToArray();
            var metrics = new Dictionary<string, double>();
            foreach (var fn in Similarity.Names)
            {
                var predicted = items.Select(i => scores[fn][i]).ToArray();
                metrics[$"pearson_{fn}"] = Correlation.Pearson(predicted, truth);
                metrics[$"spearman_{fn}"] = Correlation.Spearman(predicted, truth);
            }
            return metrics;
        }

        var items = new ItemMetrics(pairs.Count, Compute);
        return new EvaluationResult(Name, Compute(Enumerable.Range(0, pairs.Count).ToArray()),
            $"spearman_{encoder.Settings.SimilarityFunction}", GreaterIsBetter: true, items);
    }
}
