using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

// limits.keep_models: which trials keep their models.
public sealed partial class ExperimentGrain
{
    /// <summary>
    /// limits.keep_models: N — the models of the succeeded trials outside the best N (by the objective) are deleted, except
    /// those a promotion pinned (the trial grain refuses, <see cref="ITrialGrain.PinModelAsync"/>). A model once removed stays
    /// removed, so the kept set is always the best N so far plus the promoted. A removal that fails (storage down) is tried
    /// again when the next trial succeeds.
    /// </summary>
    private async Task KeepBestModelsAsync()
    {
        if (Definition() is not { Limits.KeepModels: { } keep } definition) return;
        var ranked = current.Trials.Where(t => !t.Baseline && t.Status == TrialStatus.Succeeded && t.Objective is not null)
            .OrderBy(t => t.Objective!.Value, definition.Objective.BestFirst).ToList();
        var surplus = ranked.Skip(keep).Where(t => !current.ModelsRemoved.Contains(t.TrialId)).ToList();
        if (surplus.Count == 0) return;
        foreach (var trial in surplus)
        {
            try
            {
                if (await Trial(trial.TrialId).RemoveModelAsync($"not among the {keep} best trials (limits.keep_models: {keep})"))
                {
                    // Its summary now says "(deleted: …)": read it here rather than trust the one-way message to arrive.
                    var removed = await Trial(trial.TrialId).GetAsync();
                    await ChangeAsync(s => s.ModelsRemoved.Contains(trial.TrialId) ? s
                        : WithTrial(s, trial.TrialId, t => WithSummary(t, TrialSummary.Of(removed))) with { ModelsRemoved = [.. s.ModelsRemoved, trial.TrialId] });
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("Sweep {Sweep}: the model of trial {Trial} was not removed ({Reason}); trying again after the next trial", Name, trial.TrialId, e.Message);
            }
        }
    }
}
