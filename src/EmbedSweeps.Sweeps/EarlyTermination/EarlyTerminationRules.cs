using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.EarlyTermination;

public static class EarlyTerminationRules
{
    public static IEarlyTerminationRule For(SweepDefinition sweep) => sweep.EarlyTermination.Type switch
    {
        "median_stopping" => new StopFailedEvaluations(new MedianStoppingRule(sweep.Objective, sweep.EarlyTermination.MinSteps, sweep.EarlyTermination.MinTrials)),
        "successive_halving" => new StopFailedEvaluations(new SuccessiveHalvingRule(sweep.Objective, sweep.EarlyTermination.MinSteps, sweep.EarlyTermination.ReductionFactor)),
        _ => new NoEarlyTermination(),
    };
}

/// <summary>
/// Under any early-termination rule, a trial whose latest intermediate value is NaN (a failed evaluation: the model's
/// embeddings collapsed or diverged) stops at once, whatever its step; otherwise <paramref name="rule"/> decides.
/// </summary>
public sealed class StopFailedEvaluations(IEarlyTerminationRule rule) : IEarlyTerminationRule
{
    public bool ShouldStop(string trialId, IReadOnlyList<MetricReport> reports)
    {
        var latest = reports.Where(r => r.TrialId == trialId).MaxBy(r => r.Step);
        return latest is not null && (double.IsNaN(latest.Value) || rule.ShouldStop(trialId, reports));
    }
}
