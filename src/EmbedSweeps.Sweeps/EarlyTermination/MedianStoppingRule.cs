using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.EarlyTermination;

/// <summary>
/// Median stopping (Google Vizier; W&amp;B and Azure ML's "median_stopping"): at its latest step s ≥
/// <c>minSteps</c>, stop a trial whose best value so far is strictly worse than the median of the
/// other trials' best values up to step s — once at least <c>minTrials</c> others have reported by s.
/// A trial that equals the median continues. NaN values (failed evaluations) rank below every number: a trial's best
/// is NaN only when all its values are, and the median of the others counts theirs as the worst.
/// </summary>
public sealed class MedianStoppingRule(Objective objective, int minSteps, int minTrials = 3) : IEarlyTerminationRule
{
    public bool ShouldStop(string trialId, IReadOnlyList<MetricReport> reports)
    {
        var own = reports.Where(r => r.TrialId == trialId).ToList();
        if (own.Count == 0) return false;
        var step = own.Max(r => r.Step);
        if (step < minSteps) return false;
        var best = Best(own);

        var others = reports.Where(r => r.TrialId != trialId && r.Step <= step)
            .GroupBy(r => r.TrialId).Select(g => Best(g.ToList())).Order(objective.BestFirst).ToList();
        if (others.Count < minTrials) return false;
        // Order does not matter for the median of numbers; with NaN (worst) among the middle two the median is the better one.
        var median = others.Count % 2 == 1 ? others[others.Count / 2]
            : double.IsNaN(others[others.Count / 2]) ? others[others.Count / 2 - 1] : (others[others.Count / 2 - 1] + others[others.Count / 2]) / 2;
        return objective.IsBetter(median, best);
    }

    private double Best(List<MetricReport> reports) => reports.Select(r => r.Value).Order(objective.BestFirst).First();
}
