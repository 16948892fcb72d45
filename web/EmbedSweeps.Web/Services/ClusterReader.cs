using System.Security.Claims;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Web.Services;

/// <summary>A sweep as the experiments page lists it.</summary>
public sealed record ExperimentSummary(
    string Name, ExperimentStatus Status, int Done, int Running, int Queued, int Failed, string Objective, double? BestValue, string? BestTrialId,
    IReadOnlyList<string> BaseModels, DateTimeOffset? SubmittedAt, DateTimeOffset? FinishedAt)
{
    public int Total => Done + Running + Queued;
}

/// <summary>
/// What the pages read from the cluster and the things they change (promote, cancel, retry). Changes
/// are refused here — not only hidden in the UI — unless the caller is a signed-in administrator, and every attempt,
/// refused or not, is recorded in the audit trail.
/// </summary>
public sealed class ClusterReader(IClusterClient cluster, AdminAccess admin, WebAudit audit, ClientOrigin origin)
{
    // The sweeps this page last read (one reader per browser tab): a refresh transfers only those that changed.
    private readonly Dictionary<string, ExperimentSnapshot> known = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ExperimentSummary>> ExperimentsAsync()
    {
        var names = await cluster.GetGrain<ISweepIndexGrain>("default").ListAsync();
        var snapshots = (await Task.WhenAll(names.Select(async n =>
        {
            // One sweep that cannot be read (its storage damaged) is left out, not the list; its own page says why.
            try { return await cluster.GetGrain<IExperimentGrain>(n).GetIfChangedAsync(known.GetValueOrDefault(n)?.Version) ?? known[n]; }
            catch (Exception e) when (e is not OperationCanceledException) { return null; }
        }))).OfType<ExperimentSnapshot>().ToList();
        foreach (var snapshot in snapshots) known[snapshot.Name] = snapshot;
        return snapshots.Select(Summarize).OrderByDescending(s => s.SubmittedAt).ToList();
    }

    public static ExperimentSummary Summarize(ExperimentSnapshot s)
    {
        var baseModels = s.Trials.Select(t => Leaderboard.Values(t.SettingsJson).GetValueOrDefault("base_model")).OfType<string>().Distinct().ToList();
        return new ExperimentSummary(s.Name, s.Status, s.Trials.Count(t => t.Status.IsFinal()), s.Count(TrialStatus.Running), s.Count(TrialStatus.Pending),
            s.Count(TrialStatus.Failed), s.Objective, s.BestValue, s.BestTrialId, baseModels, s.SubmittedAt, s.FinishedAt);
    }

    /// <summary>
    /// The sweep, or null when no sweep of that name was ever submitted; <paramref name="known"/> itself (the same
    /// object) when the sweep has not changed since it was read.
    /// </summary>
    public async Task<ExperimentSnapshot?> ExperimentAsync(string name, ExperimentSnapshot? known = null)
    {
        // An address a user typed: a name no sweep can have never reaches a grain (or a storage key).
        if (!SweepName.IsValid(name)) return null;
        var snapshot = await cluster.GetGrain<IExperimentGrain>(name).GetIfChangedAsync(known?.Name == name ? known.Version : null);
        if (snapshot is null) return known;
        return snapshot.Status == ExperimentStatus.NotSubmitted ? null : snapshot;
    }

    public static List<LeaderboardRow> Ranked(ExperimentSnapshot experiment) => Leaderboard.Rank(experiment);

    /// <summary>The sweep's parameter importance over its succeeded trials (top 10 %, as <c>sweep importance</c>).</summary>
    public Task<ParameterImportanceReport> ImportanceAsync(string sweep) => cluster.GetGrain<IExperimentGrain>(sweep).ImportanceAsync(0.1);

    /// <summary>The trial, or an empty (never created) snapshot for a key no trial can have.</summary>
    public Task<TrialSnapshot> TrialAsync(string sweep, string trialId) => TrialKey.TryParse($"{sweep}/{trialId}", out var key)
        ? cluster.Trial(key).GetAsync()
        : Task.FromResult(new TrialSnapshot($"{sweep}/{trialId}", trialId, sweep, TrialStatus.Pending, 0, "{}", [], new Dictionary<string, double>(), null, null, null, null, null, 0, null));

    public async Task<IReadOnlyList<TrialSnapshot>> TrialsAsync(string sweep, IEnumerable<string> trialIds) =>
        await Task.WhenAll(trialIds.Select(id => TrialAsync(sweep, id)));

    public Task<IReadOnlyDictionary<string, Promotion>> AliasesAsync() => cluster.GetGrain<IModelRegistryGrain>("default").AliasesAsync();

    public Task<IReadOnlyList<Promotion>> HistoryAsync() => cluster.GetGrain<IModelRegistryGrain>("default").HistoryAsync();

    public Task<Promotion> PromoteAsync(ClaimsPrincipal user, string sweep, string trialId, string alias) =>
        audit.RunAsync(user, origin.Address, "promote", $"{sweep}/{trialId} → {alias}", async () =>
        {
            admin.Demand(user, "promote a model");
            return await cluster.GetGrain<IModelRegistryGrain>("default").PromoteAsync($"{sweep}/{trialId}", alias, $"{user.Identity!.Name} (web)");
        });

    public Task CancelAsync(ClaimsPrincipal user, string sweep) =>
        audit.RunAsync(user, origin.Address, "cancel", sweep, async () =>
        {
            admin.Demand(user, "cancel a sweep");
            await cluster.GetGrain<IExperimentGrain>(sweep).CancelAsync();
            return true;
        });

    /// <summary>Runs the sweep's failed, stopped and cancelled trials again (as <c>sweep retry</c> does); the ids retried.</summary>
    public Task<IReadOnlyList<string>> RetryAsync(ClaimsPrincipal user, string sweep) =>
        audit.RunAsync(user, origin.Address, "retry", sweep, () =>
        {
            admin.Demand(user, "retry trials");
            return cluster.GetGrain<IExperimentGrain>(sweep).RetryAsync([], failedOnly: false);
        });

    /// <summary>The newest audit records, for the administrator only.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller is not the signed-in administrator.</exception>
    public Task<IReadOnlyList<EmbedSweeps.Client.AuditRecord>> AuditAsync(ClaimsPrincipal user, int limit)
    {
        admin.Demand(user, "see the audit trail");
        return audit.ReadAsync(limit);
    }
}
