namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Named metrics of one evaluation, with the one to rank by and its direction, as
/// sentence-transformers' evaluators report them (e.g. <c>stsb_validation_spearman_cosine</c>).
/// <paramref name="Items"/> recomputes the metrics on any multiset of the evaluated items (pairs, queries,
/// test texts), which is what confidence intervals resample; <paramref name="Protocol"/> names the protocol
/// an MTEB figure follows (<c>mteb-v2</c>), null for the others.
/// </summary>
public sealed record EvaluationResult(
    string Name, IReadOnlyDictionary<string, double> Metrics, string PrimaryMetric, bool GreaterIsBetter,
    ItemMetrics? Items = null, string? Protocol = null)
{
    public double Primary => Metrics[PrimaryMetric];

    /// <summary>Metrics with keys prefixed by the evaluation's name: <c>stsb_validation_spearman_cosine</c>.</summary>
    public IReadOnlyDictionary<string, double> Prefixed => Metrics.ToDictionary(m => $"{Name}_{m.Key}", m => m.Value);

    /// <summary>95% bootstrap intervals of the prefixed metrics (empty when the evaluator keeps no items).</summary>
    public IReadOnlyDictionary<string, (double Low, double High)> Intervals(int resamples = Bootstrap.DefaultResamples, int seed = Bootstrap.DefaultSeed) =>
        Items is null
            ? new Dictionary<string, (double, double)>()
            : Bootstrap.Intervals(Items.Count, Items.Compute, resamples, seed).ToDictionary(p => $"{Name}_{p.Key}", p => p.Value);
}

/// <summary>The evaluated items of an evaluation: how many, and the metrics of any multiset of them (by index).</summary>
public sealed record ItemMetrics(int Count, Func<IReadOnlyList<int>, IReadOnlyDictionary<string, double>> Compute);
