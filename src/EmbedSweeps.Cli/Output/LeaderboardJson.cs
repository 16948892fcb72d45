using System.Text.Json;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Cli.Output;

/// <summary>
/// <c>leaderboard --json</c> and <c>sweep run --json</c>: the sweep, its status, objective and goal, and its rows
/// as the leaderboard ranks them (baselines first, without a rank).
/// </summary>
internal sealed record LeaderboardJson(string Sweep, ExperimentStatus Status, string Objective, string Goal, IReadOnlyList<LeaderboardRowJson> Trials)
{
    public static LeaderboardJson Of(ExperimentSnapshot sweep, IEnumerable<LeaderboardRow> rows)
    {
        var trials = sweep.Trials.ToDictionary(t => t.TrialId);
        return new(sweep.Name, sweep.Status, sweep.Objective, SweepSummaryJson.GoalOf(sweep.Maximize),
            rows.Select(r => LeaderboardRowJson.Of(r, trials[r.TrialId])).ToList());
    }
}

/// <summary>
/// One leaderboard row. <c>gain</c> is the objective's improvement over the untrained base model (positive is
/// better, whichever the goal); <c>gain_ci_low</c>/<c>gain_ci_high</c> its 95 % paired-bootstrap interval when the
/// evaluation keeps its items; <c>on_pareto_front</c> marks the front of <c>--pareto</c>'s metrics, else of the sweep's
/// <c>report.pareto</c>, and is null when neither names any;
/// <c>duration_seconds</c> is the last attempt's wall-clock time.
/// </summary>
internal sealed record LeaderboardRowJson(
    int? Rank, string TrialId, TrialStatus Status, bool Baseline, double? Objective, double? Gain, double? GainCiLow, double? GainCiHigh,
    bool? GainWithinNoise, bool? OnParetoFront, int Attempts, JsonElement Parameters, JsonElement Settings,
    IReadOnlyDictionary<string, double> Metrics, string? Failure, string? Silo, double? DurationSeconds, string? Model)
{
    public static LeaderboardRowJson Of(LeaderboardRow row, ExperimentTrial trial) => new(
        row.Baseline ? null : row.Rank, row.TrialId, row.Status, row.Baseline, row.Objective, row.Gain,
        row.GainInterval?.Low, row.GainInterval?.High, row.GainInterval is null ? null : row.GainWithinNoise, row.OnParetoFront,
        row.Attempts, JsonOutput.Object(trial.ParametersJson), JsonOutput.Object(trial.SettingsJson), row.Metrics,
        row.Failure, row.Silo, row.DurationSeconds, row.Model);
}
