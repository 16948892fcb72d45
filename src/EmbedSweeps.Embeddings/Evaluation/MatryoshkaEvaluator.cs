namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Runs <paramref name="inner"/> on embeddings truncated to each of <paramref name="dimensions"/> (sentence-transformers'
/// <c>truncate_dim</c>: the first N values; cosine re-normalises them), encoding each text once for all dimensions.
/// Metrics are named with the dimension after the evaluation's name: <c>stsb_validation_dim128_spearman_cosine</c>.
/// The primary metric is the first dimension's.
/// </summary>
public sealed class MatryoshkaEvaluator(ISentenceEvaluator inner, IReadOnlyList<int> dimensions) : ISentenceEvaluator
{
    public string Name => inner.Name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        if (dimensions.Count == 0) throw new EmbedSweepsException($"{Name}: dims must list at least one dimension.");
        var tooWide = dimensions.Where(d => d < 1 || d > encoder.FullDimension).ToList();
        if (tooWide.Count > 0)
            throw new EmbedSweepsException($"{Name}: dims {string.Join(", ", tooWide)} are outside 1..{encoder.FullDimension}, the model's embedding width.");
        var previous = encoder.TruncateDim;
        var results = new List<(int Dimension, EvaluationResult Result)>();
        try
        {
            using var cache = encoder.CacheEmbeddings();
            foreach (var dimension in dimensions)
            {
                encoder.TruncateDim = dimension;
                results.Add((dimension, inner.Evaluate(encoder)));
            }
        }
        finally
        {
            encoder.TruncateDim = previous;
        }

        var metrics = results.SelectMany(r => r.Result.Metrics.Select(m => KeyValuePair.Create($"dim{r.Dimension}_{m.Key}", m.Value)))
            .ToDictionary(p => p.Key, p => p.Value);
        var first = results[0];
        ItemMetrics? items = results.All(r => r.Result.Items is not null)
            ? new ItemMetrics(first.Result.Items!.Count, indices => results
                .SelectMany(r => r.Result.Items!.Compute(indices).Select(m => KeyValuePair.Create($"dim{r.Dimension}_{m.Key}", m.Value)))
                .ToDictionary(p => p.Key, p => p.Value))
            : null;
        return new EvaluationResult(Name, metrics, $"dim{first.Dimension}_{first.Result.PrimaryMetric}", first.Result.GreaterIsBetter, items, first.Result.Protocol);
    }
}
