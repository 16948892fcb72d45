using Orleans.Concurrency;

namespace EmbedSweeps.Abstractions;

/// <summary>One sweep (key: its name): expands it, schedules trials, applies early termination.</summary>
[Alias("EmbedSweeps.IExperimentGrain")]
public interface IExperimentGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores the sweep, creating its trials; submitting the same sweep again changes nothing.</summary>
    [Alias("Submit")] Task<ExperimentSnapshot> SubmitAsync(string yaml, string fileName);
    [Alias("Get")] Task<ExperimentSnapshot> GetAsync();

    /// <summary>
    /// The snapshot, or null when its <see cref="ExperimentSnapshot.Version"/> is still <paramref name="version"/>: pages
    /// that refresh every second pay for a large sweep only when it changed.
    /// </summary>
    [Alias("GetIfChanged")] Task<ExperimentSnapshot?> GetIfChangedAsync(string? version);
    [Alias("Cancel")] Task CancelAsync();

    /// <summary>
    /// Runs ended trials again as new attempts (resuming from their last checkpoint where one exists): those named in
    /// <paramref name="trialIds"/>, else every failed trial and — unless <paramref name="failedOnly"/> — every stopped or
    /// cancelled one. The sweep runs again until they end. Returns the ids retried; throws ArgumentException naming a trial
    /// that does not exist or has succeeded.
    /// </summary>
    [Alias("Retry")] Task<IReadOnlyList<string>> RetryAsync(IReadOnlyList<string> trialIds, bool failedOnly);

    /// <summary>
    /// How much each swept parameter mattered for reaching the top <paramref name="targetQuantile"/> of the succeeded
    /// trials (PED-ANOVA). Throws ArgumentOutOfRangeException unless 0 &lt; targetQuantile &lt; 1.
    /// </summary>
    [Alias("Importance")] Task<ParameterImportanceReport> ImportanceAsync(double targetQuantile);

    /// <summary>Starts trials while fewer than max_concurrent_trials run; also driven by a reminder.</summary>
    [Alias("Tick")] Task TickAsync();
    /// <summary>A trial ended with <paramref name="status"/>; <paramref name="objective"/> is its final (or last) value.</summary>
    [Alias("TrialEndedWithSummary"), OneWay] Task TrialEndedAsync(string trialId, TrialStatus status, double? objective, TrialSummary summary);

    /// <summary>A trial's summary changed without it ending (an attempt started, it was retried, its model was removed).</summary>
    [Alias("TrialChanged"), OneWay] Task TrialChangedAsync(string trialId, TrialSummary summary);

    /// <summary>An intermediate value of the objective; returns true when the trial should stop early.</summary>
    [Alias("ReportMetric")] Task<bool> ReportMetricAsync(string trialId, int step, double value);
}

/// <summary>One trial (key: "{sweep}/{trialId}"): its state machine, timeline and results.</summary>
[Alias("EmbedSweeps.ITrialGrain")]
public interface ITrialGrain : IGrainWithStringKey
{
    [Alias("Create")] Task CreateAsync(string settingsJson, string objective, string device, int trialsPerGpu, TimeSpan timeout, int maxFailures);

    /// <summary>Starts a new attempt on this silo's trial runner; false if the trial has already ended.</summary>
    [Alias("Start")] Task<bool> StartAsync();

    /// <summary>Progress from a worker; ignored (false) unless it comes from the current attempt.</summary>
    [Alias("Report")] Task<bool> ReportAsync(int attempt, IReadOnlyList<MetricPoint> points);
    [Alias("Complete")] Task<bool> CompleteAsync(int attempt, IReadOnlyDictionary<string, double> metrics, string outputPath, string? modelUri);
    [Alias("Fail")] Task<bool> FailAsync(int attempt, string reason);
    [Alias("Stop")] Task StopAsync(string reason);
    [Alias("CancelTrial")] Task CancelAsync();

    /// <summary>Makes an ended, unsucceeded trial Pending again (failure count reset) so the next start is a new attempt; false otherwise.</summary>
    [Alias("RetryTrial")] Task<bool> RetryAsync();
    [Alias("GetTrial")] Task<TrialSnapshot> GetAsync();

    /// <summary>
    /// The objective's intermediate values (finite ones, by step) of the attempts early termination judges: every attempt
    /// since the trial was last retried by a user. The experiment reads them after it restarts, as it keeps them in memory
    /// only. Interleaves with the trial's other calls: the experiment may ask while this trial waits for its verdict on a
    /// report (a call back into a busy grain would wait for itself).
    /// </summary>
    [Alias("ObjectiveValues"), AlwaysInterleave] Task<IReadOnlyList<MetricPoint>> ObjectiveValuesAsync();

    /// <summary>
    /// Deletes a succeeded trial's model (artifact store and this trainer's disk) and records why; its metrics stay. False when
    /// there is nothing to remove or it must stay: not succeeded, removed already, or pinned by a promotion.
    /// </summary>
    [Alias("RemoveModel")] Task<bool> RemoveModelAsync(string reason);

    /// <summary>
    /// Keeps the model for good (a promotion names it): <see cref="RemoveModelAsync"/> refuses from then on. Null when pinned;
    /// otherwise why it cannot be (its model was deleted already). One call at a time, so a pin and a removal never cross.
    /// </summary>
    [Alias("PinModel")] Task<string?> PinModelAsync();
}

/// <summary>The model registry (key: "default"): aliases such as champion, and the history of promotions.</summary>
[Alias("EmbedSweeps.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    [Alias("Promote")] Task<Promotion> PromoteAsync(string trialKey, string alias, string promotedBy);
    [Alias("Aliases")] Task<IReadOnlyDictionary<string, Promotion>> AliasesAsync();
    [Alias("History")] Task<IReadOnlyList<Promotion>> HistoryAsync();
}

/// <summary>The names of every submitted sweep (key: "default"), for listing.</summary>
[Alias("EmbedSweeps.ISweepIndexGrain")]
public interface ISweepIndexGrain : IGrainWithStringKey
{
    [Alias("AddSweep")] Task AddAsync(string name);
    [Alias("ListSweeps")] Task<IReadOnlyList<string>> ListAsync();
}
