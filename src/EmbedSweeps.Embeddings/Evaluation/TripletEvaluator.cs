using EmbedSweeps.Embeddings.Data;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// sentence-transformers' <c>TripletEvaluator</c>: the share of (anchor, positive, negative) rows whose anchor is
/// more similar to the positive than to the negative (strictly), by cosine and by the model's own similarity
/// function when that is another. Primary metric: <c>{similarity}_accuracy</c>. Items: the triplets.
/// </summary>
public sealed class TripletEvaluator(string name, IReadOnlyList<Triplet> triplets, int batchSize = 32) : ISentenceEvaluator
{
    public string Name { get; } = name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        if (triplets.Count == 0) throw new EmbedSweepsException($"{Name}: has no triplets.");
        var dimension = encoder.Dimension;
        var anchors = encoder.Encode(triplets.Select(t => t.Anchor).ToList(), batchSize);
        var positives = encoder.Encode(triplets.Select(t => t.Positive).ToList(), batchSize);
        var negatives = encoder.Encode(triplets.Select(t => t.Negative).ToList(), batchSize);
        var functions = new[] { "cosine", encoder.Settings.SimilarityFunction }.Distinct().ToArray();
        var correct = functions.ToDictionary(fn => fn, fn => Enumerable.Range(0, triplets.Count).Select(i =>
        {
            var anchor = anchors.AsSpan(i * dimension, dimension);
            return Similarity.Pairwise(fn, anchor, positives.AsSpan(i * dimension, dimension))
                   > Similarity.Pairwise(fn, anchor, negatives.AsSpan(i * dimension, dimension));
        }).ToArray());

        IReadOnlyDictionary<string, double> Compute(IReadOnlyList<int> items) =>
            functions.ToDictionary(fn => $"{fn}_accuracy", fn => items.Count(i => correct[fn][i]) / (double)items.Count);

        return new EvaluationResult(Name, Compute(Enumerable.Range(0, triplets.Count).ToArray()),
            $"{encoder.Settings.SimilarityFunction}_accuracy", GreaterIsBetter: true, new ItemMetrics(triplets.Count, Compute));
    }
}
