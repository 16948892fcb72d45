using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.EarlyTermination;
using EmbedSweeps.Sweeps.Expansion;
using EmbedSweeps.Sweeps.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace EmbedSweeps.Grains;

/// <summary>
/// One sweep: expands it into trial grains, keeps at most max_concurrent_trials running, asks the
/// TPE for new trials (bayes), stops trials by the early-termination rule, and finishes when every
/// trial has ended. A reminder drives the schedule, so a cluster that restarts carries on by itself.
/// Reentrant so that trials can report while it schedules; <see cref="TickAsync"/> guards itself.
/// </summary>
[Reentrant]
public sealed partial class ExperimentGrain(
    [PersistentState("experiment", StorageNames.Experiments)] IPersistentState<ExperimentState> state,
    [FromKeyedServices(StorageNames.Experiments)] IGrainStorage storage,
    IOptions<SweepSchedulingOptions> scheduling,
    ILogger<ExperimentGrain> logger) : Grain, IExperimentGrain, IRemindable
{
    private const string ScheduleReminder = "schedule";
    private SweepDefinition? sweep;
    private bool ticking;
    private bool tickAgain;

    private string Name => this.GetPrimaryKeyString();

    public async Task<ExperimentSnapshot> SubmitAsync(string yaml, string fileName)
    {
        SweepDefinition parsed;
        try
        {
            parsed = SweepParser.Parse(yaml, fileName);
        }
        catch (SweepValidationException e)
        {
            throw new ArgumentException(e.Message);
        }
        if (parsed.Name != Name) throw new ArgumentException($"{fileName}: the sweep is named '{parsed.Name}', not '{Name}'.");
        if (current.Yaml == yaml) return Snapshot(); // idempotent resubmission

        sweep = parsed;
        var known = current.Trials.Select(t => t.TrialId).ToHashSet();
        var added = SweepExpansion.InitialTrials(parsed).Where(t => !known.Contains(t.Id)).ToList();
        var baselines = Baselines.For(parsed).Where(b => !known.Contains(b.TrialId)).ToList();
        foreach (var baseline in baselines)
            await Trial(baseline.TrialId).CreateAsync(baseline.SettingsJson, parsed.Objective.Metric, parsed.Resources.Device, parsed.Resources.TrialsPerGpu, parsed.Limits.TrialTimeout, parsed.Limits.MaxFailures);
        foreach (var trial in added)
            await Trial(trial.Id).CreateAsync(SettingsJson(trial), parsed.Objective.Metric, parsed.Resources.Device, parsed.Resources.TrialsPerGpu, parsed.Limits.TrialTimeout, parsed.Limits.MaxFailures);
        await ChangeAsync(s => s with
        {
            Yaml = yaml, FileName = fileName, Status = ExperimentStatus.Running, SubmittedAt = s.SubmittedAt ?? DateTimeOffset.UtcNow, FinishedAt = null,
            SearchExhausted = false, // a changed file may hold a larger space
            Trials = [.. baselines, .. s.Trials, .. added.Select(t => new ExperimentTrial(t.Id, TrialStatus.Pending, SettingsJson(t), null, TrialConfig.Canonical(t.Parameters)))],
        });
        await GrainFactory.GetGrain<ISweepIndexGrain>("default").AddAsync(Name);
        await KeepBestModelsAsync(); // a changed file may have set or lowered limits.keep_models
        await this.RegisterOrUpdateReminder(ScheduleReminder, scheduling.Value.ReminderPeriod, scheduling.Value.ReminderPeriod);
        await TickAsync();
        return Snapshot();
    }

    public Task<ExperimentSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task<ExperimentSnapshot?> GetIfChangedAsync(string? version) =>
        Task.FromResult(version is not null && version == state.Etag ? null : Snapshot());

    public Task<ParameterImportanceReport> ImportanceAsync(double targetQuantile) =>
        Task.FromResult(SweepImportance.Of(Definition(), current.Trials, targetQuantile));

    public async Task CancelAsync()
    {
        if (current.Status != ExperimentStatus.Running) return;
        await ChangeAsync(s => s with { Status = ExperimentStatus.Cancelled, FinishedAt = DateTimeOffset.UtcNow });
        foreach (var trial in current.Trials.Where(t => !t.Status.IsFinal()).ToList()) await Trial(trial.TrialId).CancelAsync();
        await ChangeAsync(s => s with { Trials = s.Trials.Select(t => t.Status.IsFinal() ? t : t with { Status = TrialStatus.Cancelled }).ToList() });
        await UnregisterAsync();
    }

    public async Task<IReadOnlyList<string>> RetryAsync(IReadOnlyList<string> trialIds, bool failedOnly)
    {
        if (Definition() is null) throw new ArgumentException($"sweep {Name} was never submitted.");
        List<ExperimentTrial> chosen;
        if (trialIds.Count > 0)
        {
            chosen = [];
            foreach (var id in trialIds.Distinct())
            {
                var trial = current.Trials.FirstOrDefault(t => t.TrialId == id)
                    ?? throw new ArgumentException($"sweep {Name} has no trial {id}.");
                if (trial.Status == TrialStatus.Succeeded) throw new ArgumentException($"trial {id} succeeded; only failed, stopped or cancelled trials are retried.");
                if (!trial.Status.IsFinal()) throw new ArgumentException($"trial {id} is {trial.Status.ToString().ToLowerInvariant()}; it has not ended.");
                chosen.Add(trial);
            }
        }
        else
            chosen = current.Trials.Where(t => t.Status == TrialStatus.Failed || (!failedOnly && t.Status is TrialStatus.Stopped or TrialStatus.Cancelled)).ToList();

        await RecalledAsync(); // first: what it reads back must not bring a retried trial's old values back
        var retried = new List<string>();
        foreach (var trial in chosen)
            if (await Trial(trial.TrialId).RetryAsync())
            {
                // Its earlier intermediate values go: the early-termination rule judges the new attempt afresh.
                reports.Remove(trial.TrialId);
                retried.Add(trial.TrialId);
            }
        if (retried.Count == 0) return retried;
        logger.LogInformation("Sweep {Sweep}: retrying {Count} trial(s): {Trials}", Name, retried.Count, string.Join(", ", retried));
        await ChangeAsync(s => retried.Aggregate(s, (each, id) => WithTrial(each, id, t => t with { Status = TrialStatus.Pending, Objective = null }))
            with { Status = ExperimentStatus.Running, FinishedAt = null });
        await this.RegisterOrUpdateReminder(ScheduleReminder, scheduling.Value.ReminderPeriod, scheduling.Value.ReminderPeriod);
        await TickAsync();
        return retried;
    }

    public async Task TickAsync()
    {
        if (ticking) { tickAgain = true; return; }
        ticking = true;
        try
        {
            do
            {
                tickAgain = false;
                await ScheduleAsync();
            } while (tickAgain);
        }
        finally
        {
            ticking = false;
        }
    }

    private async Task ScheduleAsync()
    {
        var definition = Definition();
        if (definition is null || current.Status != ExperimentStatus.Running) return;
        var limit = definition.Limits.MaxConcurrentTrials;
        while (Count(TrialStatus.Running) < limit)
        {
            var next = current.Trials.FirstOrDefault(t => t.Status == TrialStatus.Pending) ?? await SuggestAsync(definition);
            if (next is null) break;
            await ChangeAsync(s => WithTrial(s, next.TrialId, t => t with { Status = TrialStatus.Running }));
            bool started;
            try
            {
                started = await Trial(next.TrialId).StartAsync();
            }
            catch (NoTrainerException)
            {
                // No trainer silo in the cluster yet: the reminder tries again.
                await ChangeAsync(s => WithTrial(s, next.TrialId, t => t with { Status = TrialStatus.Pending }));
                break;
            }
            if (!started)
            {
                var snapshot = await Trial(next.TrialId).GetAsync();
                await ChangeAsync(s => WithTrial(s, next.TrialId, t => IsStale(t, snapshot.Revision) ? t : t with { Status = snapshot.Status }));
            }
        }
        if (current.Trials.All(t => t.Status.IsFinal()) && (definition.Method != SearchMethod.Bayes || Searched >= definition.Limits.MaxTrials || current.SearchExhausted))
        {
            await KeepBestModelsAsync(); // a completed sweep has its limit applied: whoever sees "completed" sees the kept set
            await ChangeAsync(s => s with { Status = ExperimentStatus.Completed, FinishedAt = DateTimeOffset.UtcNow });
            await UnregisterAsync();
        }
    }

    public async Task TrialEndedAsync(string trialId, TrialStatus status, double? objective, TrialSummary summary)
    {
        // A late message about an earlier attempt (the trial was retried since) changes nothing — checked inside the change,
        // against the state as it is when the change applies.
        if (current.Trials.Any(t => t.TrialId == trialId && IsStale(t, summary.Revision))) return;
        await ChangeAsync(s => WithTrial(s, trialId, t => IsStale(t, summary.Revision) ? t : WithSummary(t, summary) with { Status = status, Objective = objective }));
        await TickAsync(); // the next trial first: deletions can take a while
        if (status == TrialStatus.Succeeded) await KeepBestModelsAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (current.Status != ExperimentStatus.Running) { await UnregisterAsync(); return; }
        // Refresh statuses from the trials themselves: a notification may have been lost in a restart.
        // One trial unreachable (its silo died and is not yet declared dead) must not hold up the others.
        // And the summary of any trial whose summary disagrees with its status (a lost one-way message).
        var answers = new List<TrialSnapshot>();
        foreach (var trial in current.Trials.Where(t => t.Status == TrialStatus.Running || (t.Summary is { } s && s.Status != t.Status)).ToList())
        {
            try { answers.Add(await Trial(trial.TrialId).GetAsync()); }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                logger.LogWarning("Sweep {Sweep}: trial {Trial} did not answer ({Reason}); asking again at the next reminder", Name, trial.TrialId, e.Message);
            }
        }
        if (answers.Count > 0)
            // A snapshot read before a retry or a start that has since been recorded is older than what is kept: it is skipped.
            await ChangeAsync(s => answers.Aggregate(s, (each, snapshot) => WithTrial(each, snapshot.TrialId,
                t => IsStale(t, snapshot.Revision) ? t : Refreshed(WithSummary(t, TrialSummary.Of(snapshot)), snapshot))));
        await TickAsync();
        await KeepBestModelsAsync(); // a success learnt here (a lost notification) counts too
    }

    // A trial as its own grain says it is now: its status, and its final objective once it has ended.
    private ExperimentTrial Refreshed(ExperimentTrial trial, TrialSnapshot snapshot) => snapshot.Status == TrialStatus.Running ? trial
        : trial with { Status = snapshot.Status, Objective = snapshot.FinalMetrics.TryGetValue(Definition()!.Objective.Metric, out var v) ? v : trial.Objective };

    private ExperimentSnapshot Snapshot()
    {
        var definition = Definition();
        var maximize = definition?.Objective.Goal != Goal.Minimize;
        var scored = current.Trials.Where(t => !t.Baseline && t.Status == TrialStatus.Succeeded && t.Objective is not null).ToList();
        var best = scored.Count == 0 ? null : (maximize ? scored.MaxBy(t => t.Objective) : scored.MinBy(t => t.Objective));
        return new ExperimentSnapshot(Name, current.Status, definition?.Objective.Metric ?? "", maximize, current.Trials.ToList(),
            best?.TrialId, best?.Objective, current.SubmittedAt, current.FinishedAt)
        {
            Pareto = definition?.Pareto ?? [], Version = state.Etag, ParetoFront = Front(definition?.Pareto ?? []), SettingOrder = SettingOrder,
        };
    }

    // report.pareto's front over the succeeded trials' final metrics (their summaries), for the CLI and the web alike.
    private List<string> Front(IReadOnlyList<string> metrics) => metrics.Count < 2 ? [] : ParetoFront.Of(
        current.Trials.Where(t => !t.Baseline && t.Status == TrialStatus.Succeeded && t.Summary is not null).Select(t => (t.TrialId, t.Summary!.FinalMetrics)),
        metrics).Order(StringComparer.Ordinal).ToList();

    private static readonly List<string> SettingOrder = [.. TrialSettings.All.Select(s => s.Name)];

    private SweepDefinition? Definition()
    {
        if (sweep is not null || current.Yaml is null) return sweep;
        try
        {
            return sweep = SweepParser.Parse(current.Yaml, current.FileName);
        }
        catch (SweepValidationException e)
        {
            // Stored by an earlier version that accepted it: it stays readable but schedules nothing until resubmitted.
            logger.LogError("Sweep {Sweep}: the stored file is no longer valid and nothing more is scheduled; fix and resubmit it: {Problems}", Name, e.Message);
            return null;
        }
    }

    private int Count(TrialStatus status) => current.Trials.Count(t => t.Status == status);

    /// <summary>Trials of the search itself (baselines excluded).</summary>
    private int Searched => current.Trials.Count(t => !t.Baseline);

    private static ExperimentState WithTrial(ExperimentState experiment, string trialId, Func<ExperimentTrial, ExperimentTrial> change) =>
        experiment with { Trials = experiment.Trials.Select(t => t.TrialId == trialId ? change(t) : t).ToList() };

    private ITrialGrain Trial(string trialId) => GrainFactory.Trial(Name, trialId);

    private static string SettingsJson(TrialConfig trial) => TrialConfig.Canonical(trial.Settings);

    private async Task UnregisterAsync()
    {
        var reminder = await this.GetReminder(ScheduleReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }
}
