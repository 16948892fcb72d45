using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

/// <summary>An experiment grain's persisted state: the sweep file as submitted and its trials in order.</summary>
[GenerateSerializer, Alias("EmbedSweeps.ExperimentState")]
public sealed record ExperimentState
{
    [Id(0)] public string? Yaml { get; init; }
    [Id(1)] public string FileName { get; init; } = "";
    [Id(2)] public ExperimentStatus Status { get; init; }
    [Id(3)] public List<ExperimentTrial> Trials { get; init; } = [];
    // Id 4 held the objective's intermediate values until they were kept in memory only (ExperimentGrain.EarlyTermination).
    [Id(5)] public DateTimeOffset? SubmittedAt { get; init; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Bayes: the TPE found no configuration left to try (a finite space smaller than max_trials).</summary>
    [Id(7)] public bool SearchExhausted { get; init; }
    /// <summary>Trials whose models limits.keep_models removed.</summary>
    [Id(8)] public List<string> ModelsRemoved { get; init; } = [];
}
