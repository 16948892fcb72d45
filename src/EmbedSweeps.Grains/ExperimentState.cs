using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

/// <summary>
/// An experiment grain's persisted state: the sweep file as submitted, and its trials in order. In memory the grain holds
/// every trial here; in storage they are in pages of their own (<see cref="ExperimentTrialPages"/>) and this state names them
/// (<see cref="TrialPageVersions"/>). A state stored by versions before pages holds its trials itself, and is read as it was.
/// </summary>
[GenerateSerializer, Alias("EmbedSweeps.ExperimentState")]
public sealed record ExperimentState
{
    [Id(0)] public string? Yaml { get; init; }
    [Id(1)] public string FileName { get; init; } = "";
    [Id(2)] public ExperimentStatus Status { get; init; }
    [Id(3)] public List<ExperimentTrial> Trials { get; init; } = [];
    /// <summary>
    /// The objective's intermediate values as versions before they were kept in memory stored them: read once, by the first
    /// recall of an activation (they are what those versions judged by, retries included), and dropped at the next write.
    /// </summary>
    /// (Stored as JSON by name: the name stays, so states written by earlier versions are read.)
    [Id(4)] public List<ReportRecord>? Reports { get; init; }
    [Id(5)] public DateTimeOffset? SubmittedAt { get; init; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Bayes: the TPE found no configuration left to try (a finite space smaller than max_trials).</summary>
    [Id(7)] public bool SearchExhausted { get; init; }
    /// <summary>Trials whose models limits.keep_models removed.</summary>
    [Id(8)] public List<string> ModelsRemoved { get; init; } = [];
    /// <summary>
    /// The version of each page of trials stored beside this state, in order (<see cref="ExperimentTrialPages"/>); empty: the
    /// trials are in <see cref="Trials"/>, as earlier versions stored them.
    /// </summary>
    [Id(9)] public List<int> TrialPageVersions { get; init; } = [];
}

/// <summary>One stored intermediate value of the objective (as versions before it stored them in <see cref="ExperimentState.Reports"/>).</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.ReportRecord")]
public sealed record ReportRecord([property: Id(0)] string TrialId, [property: Id(1)] int Step, [property: Id(2)] double Value);
