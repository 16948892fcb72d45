using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Web.Services;

/// <summary>One line of a chart: a trial's values of one metric by step.</summary>
public sealed record CurveSeries(string Name, string Metric, IReadOnlyList<int> Steps, IReadOnlyList<double> Values);

/// <summary>Builds chart series from trial timelines (charts take series; pages do not build them).</summary>
public static class Curves
{
    /// <summary>The metrics a set of timelines has, training loss first, then evaluations alphabetically.</summary>
    public static IReadOnlyList<string> Metrics(IEnumerable<TrialSnapshot> trials) =>
        trials.SelectMany(t => t.Timeline.Select(p => p.Name)).Distinct()
            .OrderBy(m => m switch { "loss" => 0, "lr" => 2, _ => 1 }).ThenBy(m => m, StringComparer.Ordinal).ToList();

    /// <summary>The metrics worth a chart: the training loss, the objective and the headline evaluations (the rest are in the tables).</summary>
    public static IReadOnlyList<string> Charted(IEnumerable<TrialSnapshot> trials, string? objective) =>
        Metrics(trials).Where(m => m == "loss" || m == objective || HeadlineMetrics.Contains(m)).ToList();

    /// <summary>The evaluations every page leads with.</summary>
    public static readonly IReadOnlyList<string> HeadlineMetrics = ["stsb_validation_spearman_cosine", "stsb_test_spearman_cosine", "banking77_accuracy", "banking77_f1", "banking77_mteb_v1_accuracy", "mnli_retrieval_cosine_ndcg_at_10"];

    /// <summary>One series per trial for <paramref name="metric"/>, ordered by step; trials without it are left out.</summary>
    public static IReadOnlyList<CurveSeries> For(IEnumerable<TrialSnapshot> trials, string metric) =>
        trials.Select(t => (t.TrialId, Points: t.Timeline.Where(p => p.Name == metric).OrderBy(p => p.Step).ToList()))
            .Where(t => t.Points.Count > 0)
            .Select(t => new CurveSeries(t.TrialId, metric, t.Points.Select(p => p.Step).ToList(), t.Points.Select(p => p.Value).ToList()))
            .ToList();
}
