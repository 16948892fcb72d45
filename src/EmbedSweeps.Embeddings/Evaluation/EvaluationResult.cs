namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Named metrics of one evaluation, with the one to rank by and its direction, as
/// sentence-transformers' evaluators report them (e.g. <c>stsb_validation_spearman_cosine</c>).
/// </summary>
public sealed record EvaluationResult(string Name, IReadOnlyDictionary<string, double> Metrics, string PrimaryMetric, bool GreaterIsBetter)
{
    public double Primary => Metrics[PrimaryMetric];

    /// <summary>Metrics with keys prefixed by the evaluation's name: <c>stsb_validation_spearman_cosine</c>.</summary>
    public IReadOnlyDictionary<string, double> Prefixed => Metrics.ToDictionary(m => $"{Name}_{m.Key}", m => m.Value);
}
