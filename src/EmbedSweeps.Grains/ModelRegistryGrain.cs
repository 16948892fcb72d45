using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

[GenerateSerializer, Alias("EmbedSweeps.RegistryState")]
public sealed record RegistryState
{
    [Id(0)] public Dictionary<string, Promotion> Aliases { get; init; } = [];
    [Id(1)] public List<Promotion> History { get; init; } = [];
}

/// <summary>
/// Which trial's model each alias (champion, …) names, and who promoted what when. Not reentrant:
/// promotions are applied one at a time, so concurrent promotions leave exactly one holder per alias.
/// </summary>
public sealed class ModelRegistryGrain(
    [PersistentState("registry", StorageNames.Registry)] IPersistentState<RegistryState> state) : Grain, IModelRegistryGrain
{
    public async Task<Promotion> PromoteAsync(string trialKey, string alias, string promotedBy)
    {
        if (string.IsNullOrWhiteSpace(alias) || alias.Length > 64 || !alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"alias '{alias}': use letters, digits, '-' or '_' (at most 64).");
        TrialKey.Parse(trialKey);
        if (promotedBy.Length > PayloadLimits.MaxNameLength) throw new ArgumentException("promotedBy: at most 128 characters.");
        var trial = await GrainFactory.GetGrain<ITrialGrain>(trialKey).GetAsync();
        if (trial is { Status: TrialStatus.Pending, Attempt: 0, SettingsJson: "{}" })
            throw new ArgumentException($"no trial {trialKey}; name it as SWEEP/TRIAL_ID from the leaderboard.");
        if (trial.Status != TrialStatus.Succeeded)
            throw new ArgumentException($"trial {trialKey} is {trial.Status.ToString().ToLowerInvariant()}; only a succeeded trial can be promoted.");
        // Pinned before it is named: from here on limits.keep_models cannot delete it (the trial grain orders the two).
        if (await GrainFactory.GetGrain<ITrialGrain>(trialKey).PinModelAsync() is { } removed)
            throw new ArgumentException($"trial {trialKey} has no model any more: {removed}; promote one of the kept trials.");
        var promotion = new Promotion(alias, trialKey, trial.FinalMetrics, promotedBy, DateTimeOffset.UtcNow, trial.OutputPath);
        state.State.Aliases[alias] = promotion;
        state.State.History.Add(promotion);
        await state.WriteStateAsync();
        return promotion;
    }

    public Task<IReadOnlyDictionary<string, Promotion>> AliasesAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, Promotion>>(new Dictionary<string, Promotion>(state.State.Aliases));

    public Task<IReadOnlyList<Promotion>> HistoryAsync() => Task.FromResult<IReadOnlyList<Promotion>>(state.State.History.ToList());
}
