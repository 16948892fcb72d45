namespace EmbedSweeps.Abstractions;

[GenerateSerializer, Alias("EmbedSweeps.ExperimentStatus")]
public enum ExperimentStatus { NotSubmitted, Running, Completed, Cancelled }

/// <summary>A trial as its experiment tracks it. A baseline evaluates a base model untrained, so every trial shows its gain.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.ExperimentTrial")]
public sealed record ExperimentTrial(
    [property: Id(0)] string TrialId,
    [property: Id(1)] TrialStatus Status,
    [property: Id(2)] string SettingsJson,
    [property: Id(3)] double? Objective,
    [property: Id(4)] string ParametersJson,
    [property: Id(5)] bool Baseline = false)
{
    /// <summary>The trial's last summary (metrics, attempts, silo, times, model); null until it has started.</summary>
    [Id(6)] public TrialSummary? Summary { get; init; }
}

/// <summary>A sweep's state: status, trials, and the best trial so far.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.ExperimentSnapshot")]
public sealed record ExperimentSnapshot(
    [property: Id(0)] string Name,
    [property: Id(1)] ExperimentStatus Status,
    [property: Id(2)] string Objective,
    [property: Id(3)] bool Maximize,
    [property: Id(4)] IReadOnlyList<ExperimentTrial> Trials,
    [property: Id(5)] string? BestTrialId,
    [property: Id(6)] double? BestValue,
    [property: Id(7)] DateTimeOffset? SubmittedAt,
    [property: Id(8)] DateTimeOffset? FinishedAt)
{
    public int Count(TrialStatus status) => Trials.Count(t => t.Status == status);

    /// <summary>The sweep's <c>report.pareto</c>: the metrics whose Pareto front its leaderboard shows (empty: none).</summary>
    [Id(9)] public IReadOnlyList<string> Pareto { get; init; } = [];

    /// <summary>Changes whenever the experiment's stored state changes (its storage etag); null before the first write.</summary>
    [Id(10)] public string? Version { get; init; }

    /// <summary>The succeeded trials on the Pareto front of <see cref="Pareto"/>'s metrics (empty when it names none).</summary>
    [Id(11)] public IReadOnlyList<string> ParetoFront { get; init; } = [];

    /// <summary>
    /// Every trial setting in the order of the settings table (base_model, loss, learning_rate, …): the order leaderboards
    /// show their setting columns in (<see cref="Leaderboard.VaryingSettings"/>), the same in the CLI and the web.
    /// </summary>
    [Id(12)] public IReadOnlyList<string> SettingOrder { get; init; } = [];
}

/// <summary>A promotion of a trial's model under an alias, recorded in the registry's history.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.Promotion")]
public sealed record Promotion(
    [property: Id(0)] string Alias,
    [property: Id(1)] string TrialKey,
    [property: Id(2)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(3)] string PromotedBy,
    [property: Id(4)] DateTimeOffset PromotedAt,
    [property: Id(5)] string? OutputPath);

/// <summary>
/// Each swept parameter's share of the importance for reaching the sweep's best trials (shares add up to 1, most
/// important first), by PED-ANOVA over the succeeded trials; see EmbedSweeps.Sweeps.Reports.ParameterImportance.
/// </summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.ParameterImportanceReport")]
public sealed record ParameterImportanceReport(
    [property: Id(0)] string Method,
    [property: Id(1)] double TargetQuantile,
    [property: Id(2)] int Trials,
    [property: Id(3)] int TopTrials,
    [property: Id(4)] IReadOnlyList<ParameterShare> Shares,
    [property: Id(5)] IReadOnlyList<string> Warnings);

/// <summary>One parameter's share of the importance, in [0, 1].</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.ParameterShare")]
public sealed record ParameterShare([property: Id(0)] string Parameter, [property: Id(1)] double Share);

/// <summary>
/// What the leaderboard shows of a trial, kept by its experiment (the read model, so a leaderboard is one call):
/// the trial grain sends a new one when it starts an attempt, ends, is retried or loses its model.
/// <see cref="Revision"/> counts the trial's stored changes: a summary older than the one kept is ignored
/// (one-way messages may arrive out of order).
/// </summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.TrialSummary")]
public sealed record TrialSummary(
    [property: Id(0)] long Revision,
    [property: Id(1)] TrialStatus Status,
    [property: Id(2)] int Attempts,
    [property: Id(3)] IReadOnlyDictionary<string, double> FinalMetrics,
    [property: Id(4)] string? Failure,
    [property: Id(5)] string? Silo,
    [property: Id(6)] DateTimeOffset? StartedAt,
    [property: Id(7)] DateTimeOffset? EndedAt,
    [property: Id(8)] string? Model)
{
    /// <summary>The summary of a trial grain's snapshot; the model is "(deleted: why)" once limits.keep_models removed it.</summary>
    public static TrialSummary Of(TrialSnapshot trial) => new(trial.Revision, trial.Status, trial.Attempt, trial.FinalMetrics, trial.Failure,
        trial.Silo, trial.StartedAt, trial.EndedAt, trial.ModelRemoved is { } removed ? $"(deleted: {removed})" : trial.ModelUri ?? trial.OutputPath);
}
