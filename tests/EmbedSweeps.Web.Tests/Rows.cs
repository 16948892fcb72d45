using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Web.Tests;

/// <summary>Leaderboard rows and trial snapshots for component tests.</summary>
internal static class Rows
{
    public static LeaderboardRow Trial(string id, int rank, double objective, string loss = "cosine", string rate = "2e-05", TrialStatus status = TrialStatus.Succeeded,
        double? accuracy = null) =>
        new(rank, id, status, new Dictionary<string, string> { ["base_model"] = "m", ["loss"] = loss, ["learning_rate"] = rate },
            accuracy is { } a ? new Dictionary<string, double> { ["stsb_validation_spearman_cosine"] = objective, ["banking77_accuracy"] = a }
                : new Dictionary<string, double> { ["stsb_validation_spearman_cosine"] = objective },
            objective, false, objective - 0.5, null, "silo", 12, null)
        { Parameters = new Dictionary<string, string> { ["loss"] = loss, ["learning_rate"] = rate } };

    public static LeaderboardRow Baseline(double objective) =>
        new(0, "baseline-m", TrialStatus.Succeeded, new Dictionary<string, string> { ["base_model"] = "m" },
            new Dictionary<string, double> { ["stsb_validation_spearman_cosine"] = objective }, objective, true, null, null, null, 1, null);

    public static TrialSnapshot Snapshot(string id, string settingsJson, params MetricPoint[] timeline) =>
        new($"s/{id}", id, "s", TrialStatus.Succeeded, 1, settingsJson, timeline, new Dictionary<string, double>(), null, null, null, null, null, 0, null);
}
