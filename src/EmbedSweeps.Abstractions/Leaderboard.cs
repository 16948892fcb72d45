using System.Text.Json;

namespace EmbedSweeps.Abstractions;

/// <summary>One row of a sweep's leaderboard: a trial (or the baseline) with its settings, final metrics and gain.</summary>
public sealed record LeaderboardRow(
    int Rank,
    string TrialId,
    TrialStatus Status,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, double> Metrics,
    double? Objective,
    bool Baseline,
    double? Gain,
    string? Failure,
    string? Silo,
    double? DurationSeconds,
    string? Model)
{
    /// <summary>Whether the trial is on the Pareto front of the metrics asked for (report.pareto, --pareto); null when none were.</summary>
    public bool? OnParetoFront { get; init; }

    /// <summary>How many attempts the trial took (more than one after a crash, a timeout or a lost silo).</summary>
    public int Attempts { get; init; }

    /// <summary>The swept parameters and their values (the settings that can differ between trials).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The 95% paired-bootstrap interval of the gain over the untrained base model on the same items (the worker's
    /// <c>OBJECTIVE_gain_ci_low/high</c>), when the objective's evaluation keeps its items.
    /// </summary>
    public (double Low, double High)? GainInterval { get; init; }

    /// <summary>True when the gain's interval contains 0: the difference from the base model is within noise.</summary>
    public bool GainWithinNoise => GainInterval is { } interval && interval.Low <= 0 && interval.High >= 0;
}

/// <summary>
/// Trials of a sweep ranked by its objective (succeeded first), each with its gain over the untrained
/// base model's baseline row, which comes first. What the CLI prints and the web shows.
/// </summary>
public static class Leaderboard
{
    public static async Task<List<LeaderboardRow>> BuildAsync(IGrainFactory grains, ExperimentSnapshot experiment)
    {
        var snapshots = await Task.WhenAll(experiment.Trials.Select(t => grains.GetGrain<ITrialGrain>($"{experiment.Name}/{t.TrialId}").GetAsync()));
        var rows = experiment.Trials.Zip(snapshots, (trial, snapshot) => new LeaderboardRow(0, trial.TrialId, snapshot.Status, Values(trial.SettingsJson),
                snapshot.FinalMetrics, snapshot.FinalMetrics.TryGetValue(experiment.Objective, out var objective) ? objective : trial.Objective, trial.Baseline, null,
                snapshot.Status == TrialStatus.Succeeded ? null : snapshot.Failure, snapshot.Silo,
                snapshot is { StartedAt: { } started, EndedAt: { } ended } ? Math.Round((ended - started).TotalSeconds, 1) : null,
                snapshot.ModelRemoved is { } removed ? $"(deleted: {removed})" : snapshot.ModelUri ?? snapshot.OutputPath) { Parameters = Values(trial.ParametersJson), Attempts = snapshot.Attempt })
            .ToList();
        // Gain over the untrained base model (its baseline row), in the objective's better direction.
        var baselines = rows.Where(r => r.Baseline && r.Objective is not null)
            .GroupBy(r => r.Settings.GetValueOrDefault("base_model", "")).ToDictionary(g => g.Key, g => g.First().Objective!.Value);
        rows = rows.Select(r => r.Baseline || r.Objective is null || !baselines.TryGetValue(r.Settings.GetValueOrDefault("base_model", ""), out var baseline)
            ? r : r with { Gain = experiment.Maximize ? r.Objective - baseline : baseline - r.Objective }).ToList();
        rows = rows.Select(r => r.Metrics.TryGetValue($"{experiment.Objective}_gain_ci_low", out var low)
                                && r.Metrics.TryGetValue($"{experiment.Objective}_gain_ci_high", out var high)
            ? r with { GainInterval = experiment.Maximize ? (low, high) : (-high, -low) } : r).ToList(); // the worker's is trial − untrained
        var searched = rows.Where(r => !r.Baseline);
        var ranked = experiment.Maximize
            ? searched.OrderByDescending(r => r.Status == TrialStatus.Succeeded).ThenByDescending(r => r.Objective ?? double.NegativeInfinity)
            : searched.OrderByDescending(r => r.Status == TrialStatus.Succeeded).ThenBy(r => r.Objective ?? double.PositiveInfinity);
        return rows.Where(r => r.Baseline).Concat(ranked.Select((r, i) => r with { Rank = i + 1 })).ToList();
    }

    /// <summary>A flat JSON object's values as text (strings unquoted, numbers as written).</summary>
    public static IReadOnlyDictionary<string, string> Values(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
