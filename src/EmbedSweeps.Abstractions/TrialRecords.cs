namespace EmbedSweeps.Abstractions;

/// <summary>Pending → Running → Succeeded | Failed | Stopped (early termination) | Cancelled.</summary>
[GenerateSerializer, Alias("EmbedSweeps.TrialStatus")]
public enum TrialStatus { Pending, Running, Succeeded, Failed, Stopped, Cancelled }

public static class TrialStatuses
{
    public static bool IsFinal(this TrialStatus status) => status is TrialStatus.Succeeded or TrialStatus.Failed or TrialStatus.Stopped or TrialStatus.Cancelled;
}

/// <summary>What a trainer silo needs to start one attempt of a trial.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.TrialLaunch")]
public sealed record TrialLaunch(
    [property: Id(0)] string Key,
    [property: Id(1)] string TrialId,
    [property: Id(2)] string Sweep,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string Objective,
    [property: Id(5)] string SettingsJson,
    [property: Id(6)] string Device,
    [property: Id(7)] TimeSpan Timeout,
    [property: Id(8)] int TrialsPerGpu = 1);

/// <summary>One point of a trial's timeline: a training log (loss, lr) or an evaluation metric at a step.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.MetricPoint")]
public sealed record MetricPoint([property: Id(0)] int Step, [property: Id(1)] string Name, [property: Id(2)] double Value);

/// <summary>Everything known about a trial, as the CLI and web show it.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.TrialSnapshot")]
public sealed record TrialSnapshot(
    [property: Id(0)] string Key,
    [property: Id(1)] string TrialId,
    [property: Id(2)] string Sweep,
    [property: Id(3)] TrialStatus Status,
    [property: Id(4)] int Attempt,
    [property: Id(5)] string SettingsJson,
    [property: Id(6)] IReadOnlyList<MetricPoint> Timeline,
    [property: Id(7)] IReadOnlyDictionary<string, double> FinalMetrics,
    [property: Id(8)] string? Failure,
    [property: Id(9)] DateTimeOffset? StartedAt,
    [property: Id(10)] DateTimeOffset? EndedAt,
    [property: Id(11)] string? Silo,
    [property: Id(12)] string? OutputPath,
    [property: Id(13)] int Failures,
    [property: Id(14)] string? ModelUri,
    [property: Id(15)] string? Objective = null)
{
    /// <summary>Why the trial's model was deleted (limits.keep_models), or null while it has one.</summary>
    [Id(16)] public string? ModelRemoved { get; init; }

    /// <summary>How many times the trial's state was stored (see <see cref="TrialSummary.Revision"/>).</summary>
    [Id(17)] public long Revision { get; init; }
}
