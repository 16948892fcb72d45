using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.EarlyTermination;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020; Optuna's SuccessiveHalvingPruner): rungs at
/// <c>minSteps</c>·η^k. A trial's value at a rung is its first report at or past that step. When a
/// trial has passed rung k, it continues only if that value is among the top ⌊n/η⌋ of the n trials
/// that have reached rung k so far (at least the top one); ties with the cut-off continue.
/// Trials that reach a rung late are judged against everyone recorded there.
/// </summary>
public sealed class SuccessiveHalvingRule(Objective objective, int minSteps, int reductionFactor = 3) : IEarlyTerminationRule
{
    /// <summary>The step of rung <paramref name="k"/>: minSteps·η^k.</summary>
    public long Rung(int k) => minSteps * (long)Math.Pow(reductionFactor, k);

    public bool ShouldStop(string trialId, IReadOnlyList<MetricReport> reports)
    {
        var own = reports.Where(r => r.TrialId == trialId).ToList();
        if (own.Count == 0) return false;
        var step = own.Max(r => r.Step);
        if (step < minSteps) return false;
        var rung = 0;
        while (Rung(rung + 1) <= step) rung++;

        var atRung = reports.GroupBy(r => r.TrialId)
            .Select(g => (Trial: g.Key, Value: ValueAt(g, Rung(rung))))
            .Where(p => p.Value is not null)
            .ToList();
        var mine = atRung.Single(p => p.Trial == trialId).Value!.Value;
        var kept = Math.Max(1, atRung.Count / reductionFactor);
        var ordered = atRung.Select(p => p.Value!.Value).Order(objective.BestFirst).ToList(); // NaN (a failed evaluation) last
        var cutOff = ordered[kept - 1];
        return objective.IsBetter(cutOff, mine);
    }

    private static double? ValueAt(IEnumerable<MetricReport> reports, long rungStep) =>
        reports.Where(r => r.Step >= rungStep).OrderBy(r => r.Step).Select(r => (double?)r.Value).FirstOrDefault();
}
