using System.Text.Json;
using System.Text.Json.Serialization;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Cli.Output;

/// <summary>
/// <c>sweep status --json</c> and, one per sweep, <c>sweep list --json</c>: the sweep's status, objective metric and
/// goal (maximize or minimize), trial counts by status (every status, zeros included), the best trial, and — in
/// <c>sweep status</c> only — every trial the experiment tracks.
/// </summary>
internal sealed record SweepSummaryJson(
    string Name, ExperimentStatus Status, string Objective, string Goal, IReadOnlyDictionary<string, int> Counts,
    string? BestTrialId, double? BestValue, DateTimeOffset? SubmittedAt, DateTimeOffset? FinishedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SweepTrialJson>? Trials { get; init; }

    public static SweepSummaryJson Of(ExperimentSnapshot sweep) => new(
        sweep.Name, sweep.Status, sweep.Objective, GoalOf(sweep.Maximize), CountsOf(sweep),
        sweep.BestTrialId, sweep.BestValue, sweep.SubmittedAt, sweep.FinishedAt);

    public static SweepSummaryJson WithTrials(ExperimentSnapshot sweep) => Of(sweep) with { Trials = sweep.Trials.Select(SweepTrialJson.Of).ToList() };

    internal static string GoalOf(bool maximize) => maximize ? "maximize" : "minimize";

    private static Dictionary<string, int> CountsOf(ExperimentSnapshot sweep) =>
        Enum.GetValues<TrialStatus>().ToDictionary(JsonOutput.Word, sweep.Count);
}

/// <summary>A trial as its experiment tracks it: status, objective value, swept parameters and every setting.</summary>
internal sealed record SweepTrialJson(string TrialId, TrialStatus Status, bool Baseline, double? Objective, JsonElement Parameters, JsonElement Settings)
{
    public static SweepTrialJson Of(ExperimentTrial trial) => new(
        trial.TrialId, trial.Status, trial.Baseline, trial.Objective, JsonOutput.Object(trial.ParametersJson), JsonOutput.Object(trial.SettingsJson));
}
