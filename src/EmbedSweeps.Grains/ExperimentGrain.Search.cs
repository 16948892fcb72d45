using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

// method: bayes — the next trial from the TPE, and how finished trials look to it.
public sealed partial class ExperimentGrain
{
    // Bayes: one more trial from the TPE, with the running ones as constant liars; null when the budget is spent or the
    // space holds no configuration not yet tried (the sweep then completes instead of waiting for one forever).
    private async Task<ExperimentTrial?> SuggestAsync(SweepDefinition definition)
    {
        if (definition.Method != SearchMethod.Bayes || Searched >= definition.Limits.MaxTrials || current.SearchExhausted) return null;
        await RecalledAsync(); // a trial stopped early is seen by its last intermediate value
        var finished = current.Trials.Where(t => !t.Baseline && t.Status is TrialStatus.Succeeded or TrialStatus.Stopped)
            .Select(t => Observe(t, definition)).OfType<Observation>().ToList();
        var running = current.Trials.Where(t => !t.Baseline && t.Status is TrialStatus.Running or TrialStatus.Pending)
            .Select(t => TrialConfigs.FromParametersJson(t.ParametersJson, definition)).ToList();
        var tpe = new TreeParzenEstimator(definition, SweepExpansion.StartupTrials(definition));
        // Every trial of the search counts as tried — failed and cancelled ones too, though they teach the TPE nothing.
        var trial = tpe.Suggest(Searched, finished, running, current.Trials.Where(t => !t.Baseline).Select(t => t.TrialId));
        if (trial is null)
        {
            logger.LogInformation("Sweep {Sweep}: the search space holds no configuration not yet tried; {Count} trials in all", Name, Searched);
            await ChangeAsync(s => s with { SearchExhausted = true });
            return null;
        }
        if (current.Trials.Any(t => t.TrialId == trial.Id)) return null; // cannot happen (tried ids are excluded); the reminder asks again
        await Trial(trial.Id).CreateAsync(SettingsJson(trial), definition.Objective.Metric, definition.Resources.Device, definition.Resources.TrialsPerGpu, definition.Limits.TrialTimeout, definition.Limits.MaxFailures);
        var entry = new ExperimentTrial(trial.Id, TrialStatus.Pending, SettingsJson(trial), null, TrialConfig.Canonical(trial.Parameters));
        await ChangeAsync(s => s with { Trials = [.. s.Trials, entry] });
        return entry;
    }

    // A finished trial as the TPE sees it: a completed one by its final value; one stopped early by its last
    // intermediate value and the step it reached (Optuna ranks pruned trials so). Null when it has no value at all.
    private Observation? Observe(ExperimentTrial trial, SweepDefinition definition)
    {
        var config = TrialConfigs.FromParametersJson(trial.ParametersJson, definition);
        if (trial.Status == TrialStatus.Succeeded) return trial.Objective is { } value ? new Observation(config, value) : null;
        var last = reports.GetValueOrDefault(trial.TrialId)?.MaxBy(r => r.Step);
        return last is not null ? new Observation(config, last.Value, last.Step) : trial.Objective is { } objective ? new Observation(config, objective, 0) : null;
    }
}
