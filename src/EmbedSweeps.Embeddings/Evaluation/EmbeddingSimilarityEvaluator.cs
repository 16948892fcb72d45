using EmbedSweeps.Embeddings.Data;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// sentence-transformers' <c>EmbeddingSimilarityEvaluator</c> (and MTEB's STS protocol): embed both
/// sentences of each pair, score them by cosine, negative Manhattan, negative Euclidean distance and
/// dot product, and correlate each score with the gold similarity (Pearson and Spearman).
/// Primary metric: the Spearman correlation of the model's own similarity function (<c>spearman_cosine</c> unless
/// config_sentence_transformers.json names another), as sentence-transformers' evaluator chooses it. Texts get
/// the prompt MTEB would give them for <paramref name="mtebTaskName"/> (an STS task: none unless the model names one).
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
        var gold = pairs.Select(p => p.Score).ToList();

        var cosine = new double[pairs.Count];
        var manhattan = new double[pairs.Count];
        var euclidean = new double[pairs.Count];
        var dot = new double[pairs.Count];
        for (var i = 0; i < pairs.Count; i++)
        {
            var a = first.AsSpan(i * dimension, dimension);
            var b = second.AsSpan(i * dimension, dimension);
            double dotProduct = 0, normA = 0, normB = 0, l1 = 0, l2 = 0;
            for (var d = 0; d < dimension; d++)
            {
                double x = a[d], y = b[d], diff = x - y;
                dotProduct += x * y;
                normA += x * x;
                normB += y * y;
                l1 += Math.Abs(diff);
                l2 += diff * diff;
            }
            cosine[i] = dotProduct / (Math.Sqrt(normA) * Math.Sqrt(normB));
            manhattan[i] = -l1;
            euclidean[i] = -Math.Sqrt(l2);
            dot[i] = dotProduct;
        }

        var metrics = new Dictionary<string, double>();
        foreach (var (similarity, scores) in new[] { ("cosine", cosine), ("manhattan", manhattan), ("euclidean", euclidean), ("dot", dot) })
        {
            metrics[$"pearson_{similarity}"] = Correlation.Pearson(scores, gold);
            metrics[$"spearman_{similarity}"] = Correlation.Spearman(scores, gold);
        }
        return new EvaluationResult(Name, metrics, $"spearman_{encoder.Settings.SimilarityFunction}", GreaterIsBetter: true);
    }
}
