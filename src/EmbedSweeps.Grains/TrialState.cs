using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

/// <summary>A trial grain's persisted state. Renaming the type keeps its alias, so stored state is never orphaned.</summary>
[GenerateSerializer, Alias("EmbedSweeps.TrialState")]
public sealed record TrialState
{
    [Id(0)] public bool Created { get; init; }
    [Id(1)] public string SettingsJson { get; init; } = "{}";
    [Id(2)] public string Objective { get; init; } = "";
    [Id(3)] public string Device { get; init; } = "auto";
    [Id(4)] public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(2);
    [Id(5)] public int MaxFailures { get; init; }
    [Id(6)] public TrialStatus Status { get; init; }
    [Id(7)] public int Attempt { get; init; }
    [Id(8)] public int Failures { get; init; }
    /// <summary>
    /// The timeline's open chunk: the current attempt's points not yet sealed (<see cref="TrialTimeline"/>). States stored
    /// before timelines were chunked hold the whole timeline here (every attempt's points): it is sealed as one chunk once a
    /// report takes it to <see cref="TrialTimeline.ChunkSize"/> points or a new attempt starts, and a finished trial keeps it.
    /// </summary>
    [Id(9)] public List<MetricPoint> Timeline { get; init; } = [];
    [Id(10)] public Dictionary<string, double> FinalMetrics { get; init; } = [];
    [Id(11)] public string? Failure { get; init; }
    [Id(12)] public DateTimeOffset? StartedAt { get; init; }
    [Id(13)] public DateTimeOffset? EndedAt { get; init; }
    [Id(14)] public string? Silo { get; init; }
    [Id(15)] public string? OutputPath { get; init; }

    /// <summary>The model in the artifact store (blob), where every machine can fetch it.</summary>
    [Id(16)] public string? ModelUri { get; init; }

    /// <summary>The sweep's <c>resources.trials_per_gpu</c>: this trial takes 1/n of a GPU.</summary>
    [Id(17)] public int TrialsPerGpu { get; init; } = 1;

    /// <summary>Why the model was deleted (limits.keep_models); null while it exists.</summary>
    [Id(18)] public string? ModelRemoved { get; init; }

    /// <summary>A promotion named this trial: its model is never removed.</summary>
    [Id(19)] public bool ModelPinned { get; init; }

    /// <summary>How many times this state was stored: orders the summaries the experiment receives.</summary>
    [Id(20)] public long Revision { get; init; }

    /// <summary>How many timeline chunks are sealed (stored beside this state as "timeline-0" … "timeline-{n-1}").</summary>
    [Id(21)] public int SealedChunks { get; init; }

    /// <summary>How many points the sealed chunks hold: with the open chunk, the size <see cref="PayloadLimits.MaxTimelinePoints"/> bounds.</summary>
    [Id(22)] public int SealedPoints { get; init; }

    /// <summary>
    /// The first attempt whose objective values early termination counts: a retry asked for by a user (not one after a
    /// failure) is judged afresh, as the experiment forgets the earlier values then.
    /// </summary>
    [Id(23)] public int JudgedFromAttempt { get; init; }
}
