using EmbedSweeps.Embeddings.Data;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// sentence-transformers' <c>BinaryClassificationEvaluator</c> (pair classification): score each pair by the model's
/// similarity function (and cosine), then report the accuracy at its best threshold, the F1 at its best threshold
/// with the precision and recall there, and the average precision (scikit-learn's <c>average_precision_score</c>).
/// Thresholds are midpoints between neighbouring scores, searched as the library does. Primary metric:
/// <c>{similarity}_ap</c>. Items: the pairs.
/// </summary>
public sealed class BinaryClassificationEvaluator(string name, IReadOnlyList<LabeledPair> pairs, int batchSize = 32) : ISentenceEvaluator
{
    public string Name { get; } = name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        if (pairs.Count < 2 || pairs.All(p => p.Label) || pairs.All(p => !p.Label))
            throw new EmbedSweepsException($"{Name}: needs pairs labelled 1 and pairs labelled 0.");
        var dimension = encoder.Dimension;
        // Each distinct text once, as the library embeds them.
        var texts = pairs.SelectMany(p => new[] { p.Sentence1, p.Sentence2 }).Distinct().ToList();
        var rowOf = texts.Select((text, row) => (text, row)).ToDictionary(p => p.text, p => p.row);
        var embeddings = encoder.Encode(texts, batchSize);
        var functions = new[] { "cosine", encoder.Settings.SimilarityFunction }.Distinct().ToArray();
        var scores = functions.ToDictionary(fn => fn, fn => pairs.Select(p => Similarity.Pairwise(fn,
            embeddings.AsSpan(rowOf[p.Sentence1] * dimension, dimension), embeddings.AsSpan(rowOf[p.Sentence2] * dimension, dimension))).ToArray());
        var labels = pairs.Select(p => p.Label).ToArray();

        IReadOnlyDictionary<string, double> Compute(IReadOnlyList<int> items)
        {
            var metrics = new Dictionary<string, double>();
            var chosenLabels = items.Select(i => labels[i]).ToArray();
            foreach (var fn in functions)
            {
                var chosen = items.Select(i => scores[fn][i]).ToArray();
                var (accuracy, accuracyThreshold) = ThresholdSearch.BestAccuracy(chosen, chosenLabels);
                var (f1, precision, recall, f1Threshold) = ThresholdSearch.BestF1(chosen, chosenLabels);
                metrics[$"{fn}_accuracy"] = accuracy;
                metrics[$"{fn}_accuracy_threshold"] = accuracyThreshold;
                metrics[$"{fn}_f1"] = f1;
                metrics[$"{fn}_f1_threshold"] = f1Threshold;
                metrics[$"{fn}_precision"] = precision;
                metrics[$"{fn}_recall"] = recall;
                metrics[$"{fn}_ap"] = ThresholdSearch.AveragePrecision(chosen, chosenLabels);
            }
            return metrics;
        }

        return new EvaluationResult(Name, Compute(Enumerable.Range(0, pairs.Count).ToArray()),
            $"{encoder.Settings.SimilarityFunction}_ap", GreaterIsBetter: true, new ItemMetrics(pairs.Count, Compute));
    }
}
