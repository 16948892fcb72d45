namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// <paramref name="inner"/> with a sweep's objective as its primary metric (e.g. <c>mydocs_cosine_recall_at_10</c> or
/// <c>stsb_validation_dim64_spearman_cosine</c> instead of the evaluator's own), so training keeps the checkpoint that
/// is best by what the sweep optimises. An objective the evaluation does not produce leaves the evaluator's own.
/// </summary>
public sealed class ObjectiveEvaluator(ISentenceEvaluator inner, string objective) : ISentenceEvaluator
{
    public string Name => inner.Name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        var result = inner.Evaluate(encoder);
        var prefix = result.Name + "_";
        return objective.StartsWith(prefix, StringComparison.Ordinal) && result.Metrics.ContainsKey(objective[prefix.Length..])
            ? result with { PrimaryMetric = objective[prefix.Length..] }
            : result;
    }
}
