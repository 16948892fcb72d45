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

    /// <summary>One series per trial for <paramref name="metric"/>, ordered by step; trials without it are left out.</summary>
    public static IReadOnlyList<CurveSeries> For(IEnumerable<TrialSnapshot> trials, string metric) =>
        trials.Select(t => (t.TrialId, Points: t.Timeline.Where(p => p.Name == metric).OrderBy(p => p.Step).ToList()))
            .Where(t => t.Points.Count > 0)
            .Select(t => new CurveSeries(t.TrialId, metric, t.Points.Select(p => p.Step).ToList(), t.Points.Select(p => p.Value).ToList()))
            .ToList();
}
