using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;
using EmbedSweeps.Sweeps.Reports;

namespace EmbedSweeps.Grains;

/// <summary>A sweep's parameter importance from its experiment's trial records (succeeded trials only, baselines aside).</summary>
internal static class SweepImportance
{
    /// <param name="sweep">The stored sweep; null when its file is no longer valid (the report then says so and lists nothing).</param>
    public static ParameterImportanceReport Of(SweepDefinition? sweep, IEnumerable<ExperimentTrial> trials, double targetQuantile)
    {
        ParameterImportance.CheckQuantile(targetQuantile);
        if (sweep is null)
            return new ParameterImportanceReport(ParameterImportance.Method, targetQuantile, 0, 0, [], ["the stored sweep file is no longer valid; fix and resubmit it."]);
        // Trials stopped early, failed or cancelled take no part: their objective is not a final one (Optuna counts only COMPLETE trials).
        var finished = trials.Where(t => !t.Baseline && t.Status == TrialStatus.Succeeded && t.Objective is not null)
            .Select(t => new ImportanceTrial(TrialConfig.ParseCanonical(t.ParametersJson), t.Objective!.Value)).ToList();
        var result = ParameterImportance.Compute(sweep.Parameters, finished, sweep.Objective.Goal, targetQuantile);
        return new ParameterImportanceReport(result.Method, result.TargetQuantile, result.Trials, result.TopTrials,
            result.Shares.Select(s => new ParameterShare(s.Parameter, s.Share)).ToList(), result.Warnings);
    }
}
