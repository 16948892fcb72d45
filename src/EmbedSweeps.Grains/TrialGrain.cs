using EmbedSweeps.Abstractions;
using EmbedSweeps.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace EmbedSweeps.Grains;

/// <summary>
/// One trial: Pending → Running → Succeeded | Failed | Stopped | Cancelled. Each start is a new
/// attempt; progress is accepted only from the current attempt, so a stale worker (from a silo
/// thought dead, or a retried run) cannot overwrite a newer one. A reminder checks that a running
/// attempt still has a live worker, so a trial is never left Running forever.
/// </summary>
[TrainerPlacement]
public sealed class TrialGrain(
    [PersistentState("trial", StorageNames.Trials)] IPersistentState<TrialState> state,
    [FromKeyedServices(StorageNames.Trials)] IGrainStorage storage,
    ITrialRunner runner, IOptions<SweepSchedulingOptions> scheduling, ILogger<TrialGrain> logger) : Grain, ITrialGrain, IRemindable
{
    private const string LivenessReminder = "liveness";

    private string Key => this.GetPrimaryKeyString();
    // A key that is not SWEEP/TRIAL_ID can be asked about (an empty snapshot) but never creates anything (CreateAsync).
    private TrialKey? Parsed => parsed ??= TrialKey.TryParse(Key, out var key) ? key : null;
    private TrialKey? parsed;
    private string Sweep => Parsed?.Sweep.Value ?? "";
    private string TrialId => Parsed?.TrialId ?? Key;
    private TrialTimeline Timeline => timeline ??= new TrialTimeline(storage, this.GetGrainId());
    private TrialTimeline? timeline;

    /// <summary>
    /// After a silo restart the trial may say Running while no worker runs it any more: restart the
    /// attempt (from its last checkpoint) at once instead of waiting for the liveness reminder.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Status == TrialStatus.Running && runner.Slots > 0 && !runner.IsRunning(Key, state.State.Attempt))
        {
            logger.LogWarning("Trial {Key} attempt {Attempt} lost its worker; starting a new attempt", Key, state.State.Attempt);
            await SaveAsync(state.State with { Status = TrialStatus.Pending, Failure = $"attempt {state.State.Attempt} lost its worker (silo restart)" });
            await StartAsync();
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task CreateAsync(string settingsJson, string objective, string device, int trialsPerGpu, TimeSpan timeout, int maxFailures)
    {
        TrialKey.Parse(Key); // refuses a key that is not SWEEP/TRIAL_ID
        if (state.State.Created) return; // idempotent: the trial id is a hash of these settings
        await SaveAsync(new TrialState
        {
            Created = true, SettingsJson = settingsJson, Objective = objective, Device = device, TrialsPerGpu = trialsPerGpu, Timeout = timeout, MaxFailures = maxFailures,
        });
        // Created at submission, started later: leave so that the start places it on the trainer with a free slot then.
        DeactivateOnIdle();
    }

    public async Task<bool> StartAsync()
    {
        if (!state.State.Created || state.State.Status.IsFinal()) return false;
        if (runner.Slots == 0)
        {
            // Placed here because no trainer silo was up: leave, so the next start is placed on one.
            DeactivateOnIdle();
            throw new NoTrainerException($"no silo with the trainer role is running to start trial {Key}; start one with `embedsweeps silo --role trainer`.");
        }
        // The liveness reminder first: a trial stored as Running is then always watched. (The other order
        // left a trial Running with no worker and no reminder when the reminder table's owner silo had just
        // been killed — found by the kill test in CI.) A reminder on a trial still Pending removes itself.
        await this.RegisterOrUpdateReminder(LivenessReminder, scheduling.Value.ReminderPeriod, scheduling.Value.ReminderPeriod);
        await SaveAsync(await SealedAsync(state.State) with
        {
            Status = TrialStatus.Running, Attempt = state.State.Attempt + 1, StartedAt = state.State.StartedAt ?? DateTimeOffset.UtcNow,
            Silo = runner.SiloName, Failure = null,
        });
        await runner.StartAsync(new TrialLaunch(Key, TrialId, Sweep, state.State.Attempt, state.State.Objective, state.State.SettingsJson,
            state.State.Device, state.State.Timeout, state.State.TrialsPerGpu));
        await Experiment.TrialChangedAsync(TrialId, Summary());
        return true;
    }

    public async Task<bool> ReportAsync(int attempt, IReadOnlyList<MetricPoint> points)
    {
        if (points.Count > PayloadLimits.MaxPointsPerReport)
            throw new ArgumentException($"{Key}: {points.Count} points in one report is more than {PayloadLimits.MaxPointsPerReport}; nothing was stored.");
        PayloadLimits.CheckMetrics(points.Select(p => p.Name).Distinct(), 0, Key);
        if (!IsCurrent(attempt)) return false;
        // One value per (step, metric) in the open chunk too: a report retried after a storage error repeats its points.
        var open = TrialTimeline.Merge([state.State.Timeline, points]);
        if (state.State.SealedPoints + open.Count > PayloadLimits.MaxTimelinePoints)
            throw new ArgumentException($"{Key}: the timeline would pass {PayloadLimits.MaxTimelinePoints} points; log or evaluate less often (training.eval_steps); the steps a retried attempt replays count again.");
        var next = state.State with { Timeline = open };
        await SaveAsync(open.Count >= TrialTimeline.ChunkSize ? await SealedAsync(next) : next);
        foreach (var point in points.Where(p => p.Name == state.State.Objective))
        {
            var stop = await GrainFactory.GetGrain<IExperimentGrain>(Sweep).ReportMetricAsync(TrialId, point.Step, point.Value);
            if (stop)
            {
                await StopAsync(double.IsFinite(point.Value)
                    ? $"early termination at step {point.Step} ({state.State.Objective} = {point.Value:F4})"
                    : $"early termination at step {point.Step}: {FailedEvaluation(state.State.Objective)}");
                break;
            }
        }
        return true;
    }

    public async Task<bool> CompleteAsync(int attempt, IReadOnlyDictionary<string, double> metrics, string outputPath, string? modelUri)
    {
        PayloadLimits.CheckMetrics(metrics.Keys, metrics.Count, Key);
        if (outputPath.Length > PayloadLimits.MaxPathLength || modelUri?.Length > PayloadLimits.MaxPathLength)
            throw new ArgumentException($"{Key}: the model location is longer than {PayloadLimits.MaxPathLength} characters.");
        if (!IsCurrent(attempt)) return false;
        // No finite objective: the evaluation failed. Recorded as a failure with its reason and not retried (training is
        // deterministic, a new attempt would fail the same way); the other metrics and the model are kept.
        var failed = !metrics.TryGetValue(state.State.Objective, out var objective) || !double.IsFinite(objective);
        await EndAsync(state.State with
        {
            Status = failed ? TrialStatus.Failed : TrialStatus.Succeeded, Failure = failed ? FailedEvaluation(state.State.Objective) : null,
            FinalMetrics = metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value),
            OutputPath = outputPath, ModelUri = modelUri, EndedAt = DateTimeOffset.UtcNow,
        });
        return true;
    }

    private static string FailedEvaluation(string objective) =>
        $"the evaluation failed: {objective} is NaN or missing (the model's embeddings are constant or not finite, as after a learning rate too high)";

    public async Task<bool> FailAsync(int attempt, string reason)
    {
        if (!IsCurrent(attempt)) return false;
        reason = PayloadLimits.Reason(reason);
        var failures = state.State.Failures + 1;
        logger.LogWarning("Trial {Key} attempt {Attempt} failed: {Reason}", Key, attempt, reason);
        if (failures <= state.State.MaxFailures)
        {
            // Retry: a new attempt (resuming from the last checkpoint when the worker wrote one).
            await SaveAsync(state.State with { Failures = failures, Failure = reason, Status = TrialStatus.Pending });
            await StartAsync();
            return true;
        }
        await EndAsync(state.State with { Status = TrialStatus.Failed, Failures = failures, Failure = reason, EndedAt = DateTimeOffset.UtcNow });
        return true;
    }

    public async Task StopAsync(string reason)
    {
        if (state.State.Status.IsFinal()) return;
        await runner.StopAsync(Key, state.State.Attempt);
        await EndAsync(state.State with { Status = TrialStatus.Stopped, Failure = reason, EndedAt = DateTimeOffset.UtcNow });
    }

    public async Task CancelAsync()
    {
        if (state.State.Status.IsFinal()) return;
        await runner.StopAsync(Key, state.State.Attempt);
        await EndAsync(state.State with { Status = TrialStatus.Cancelled, Failure = "cancelled", EndedAt = DateTimeOffset.UtcNow });
    }

    public async Task<bool> RetryAsync()
    {
        if (!state.State.Status.IsFinal() || state.State.Status == TrialStatus.Succeeded) return false;
        // The timeline stays (a new attempt replaces the steps it replays); the final metrics and the failure go.
        await SaveAsync(state.State with
        {
            Status = TrialStatus.Pending, Failures = 0, Failure = null, FinalMetrics = [], EndedAt = null, JudgedFromAttempt = state.State.Attempt + 1,
        });
        await Experiment.TrialChangedAsync(TrialId, Summary());
        return true;
    }

    public async Task<string?> PinModelAsync()
    {
        if (state.State.ModelRemoved is { } removed) return removed;
        if (!state.State.ModelPinned) await SaveAsync(state.State with { ModelPinned = true });
        return null;
    }

    public async Task<TrialSnapshot> GetAsync() => Snapshot(await FullTimelineAsync());

    public async Task<IReadOnlyList<MetricPoint>> ObjectiveValuesAsync()
    {
        var from = state.State.JudgedFromAttempt;
        // Between a retry and its start the open chunk still holds the attempt the retry left behind.
        var open = state.State.Attempt >= from ? state.State.Timeline : [];
        var points = await Timeline.ReadAsync(state.State.SealedChunks, open, from);
        return points.Where(p => p.Name == state.State.Objective).ToList();
    }

    private Task<List<MetricPoint>> FullTimelineAsync() => Timeline.ReadAsync(state.State.SealedChunks, state.State.Timeline);

    // The state with its open chunk sealed (written as a chunk of its own); unchanged when the open chunk is empty.
    private async Task<TrialState> SealedAsync(TrialState trial)
    {
        if (trial.Timeline.Count == 0) return trial;
        await Timeline.SealAsync(trial.SealedChunks, new TimelineChunk { Attempt = trial.Attempt, Points = trial.Timeline });
        return trial with { Timeline = [], SealedChunks = trial.SealedChunks + 1, SealedPoints = trial.SealedPoints + trial.Timeline.Count };
    }

    private TrialSnapshot Snapshot(IReadOnlyList<MetricPoint> timeline) => new(Key, TrialId, Sweep, state.State.Status, state.State.Attempt,
        state.State.SettingsJson, timeline, new Dictionary<string, double>(state.State.FinalMetrics), state.State.Failure,
        state.State.StartedAt, state.State.EndedAt, state.State.Silo, state.State.OutputPath, state.State.Failures, state.State.ModelUri, state.State.Objective)
    { ModelRemoved = state.State.ModelRemoved, Revision = state.State.Revision };

    // What the experiment's leaderboard keeps of this trial (no timeline).
    private TrialSummary Summary() => TrialSummary.Of(Snapshot([]));

    private IExperimentGrain Experiment => GrainFactory.GetGrain<IExperimentGrain>(Sweep);

    public async Task<bool> RemoveModelAsync(string reason)
    {
        if (state.State.Status != TrialStatus.Succeeded || state.State.ModelRemoved is not null || state.State.ModelPinned) return false;
        // Deleted before it is recorded: a failure here leaves the trial as it was, and the experiment asks again later.
        await runner.RemoveModelAsync(Sweep, TrialId);
        logger.LogInformation("Trial {Key}: model removed ({Reason})", Key, reason);
        await SaveAsync(state.State with { ModelRemoved = PayloadLimits.Reason(reason), ModelUri = null, OutputPath = null });
        await Experiment.TrialChangedAsync(TrialId, Summary());
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Status != TrialStatus.Running)
        {
            await UnregisterAsync();
            return;
        }
        if (!runner.IsRunning(Key, state.State.Attempt))
            await FailAsync(state.State.Attempt, $"the worker of attempt {state.State.Attempt} is gone (its silo restarted or the process was lost)");
    }

    /// <summary>
    /// Stores a new state, or — when storage refuses the write — keeps the old one in memory too, so the
    /// caller's retry finds the trial as storage has it (a result is never "taken" without being stored).
    /// </summary>
    private async Task SaveAsync(TrialState next)
    {
        var previous = state.State;
        state.State = next with { Revision = previous.Revision + 1 };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }

    private bool IsCurrent(int attempt) => state.State.Status == TrialStatus.Running && attempt == state.State.Attempt;

    private async Task EndAsync(TrialState ended)
    {
        await SaveAsync(ended);
        await UnregisterAsync();
        ended.FinalMetrics.TryGetValue(ended.Objective, out var objective);
        var best = (await FullTimelineAsync()).Where(p => p.Name == ended.Objective).Select(p => (double?)p.Value).LastOrDefault();
        await Experiment.TrialEndedAsync(TrialId, ended.Status,
            ended.Status == TrialStatus.Succeeded && ended.FinalMetrics.ContainsKey(ended.Objective) ? objective : best, Summary());
    }

    private async Task UnregisterAsync()
    {
        var reminder = await this.GetReminder(LivenessReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }
}
