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
/// base model's baseline row, which comes first. What the CLI prints and the web shows. A pure function of the
/// experiment's snapshot: the experiment keeps each trial's summary (the read model), so no trial is asked.
/// </summary>
public static class Leaderboard
{
    public static List<LeaderboardRow> Rank(ExperimentSnapshot experiment)
    {
        var front = experiment.ParetoFront.ToHashSet(StringComparer.Ordinal);
        var rows = experiment.Trials.Select(trial => Row(trial, experiment.Objective)
            with { OnParetoFront = experiment.Pareto.Count >= 2 ? front.Contains(trial.TrialId) : null }).ToList();
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

    // The experiment's status (what scheduling acts on) with the trial's summary: metrics, failure, silo, time, model.
    private static LeaderboardRow Row(ExperimentTrial trial, string objective)
    {
        var summary = trial.Summary;
        var metrics = summary?.FinalMetrics ?? new Dictionary<string, double>();
        return new LeaderboardRow(0, trial.TrialId, trial.Status, Values(trial.SettingsJson), metrics,
            metrics.TryGetValue(objective, out var value) ? value : trial.Objective, trial.Baseline, null,
            trial.Status == TrialStatus.Succeeded ? null : summary?.Failure, summary?.Silo,
            summary is { StartedAt: { } started, EndedAt: { } ended } ? Math.Round((ended - started).TotalSeconds, 1) : null, summary?.Model)
        {
            Parameters = Values(trial.ParametersJson), Attempts = summary?.Attempts ?? 0,
        };
    }

    /// <summary>A flat JSON object's values as text (strings unquoted, numbers as written).</summary>
    /// <summary>
    /// The settings a leaderboard shows as columns: those that differ among the searched trials (baselines aside), in
    /// <paramref name="order"/> (<see cref="ExperimentSnapshot.SettingOrder"/>), any it does not name after them by name.
    /// </summary>
    public static IReadOnlyList<string> VaryingSettings(IReadOnlyList<LeaderboardRow> rows, IReadOnlyList<string> order)
    {
        var searched = rows.Where(r => !r.Baseline).ToList();
        var position = order.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index);
        return searched.SelectMany(r => r.Settings.Keys).Distinct()
            .Where(k => searched.Select(r => r.Settings.GetValueOrDefault(k)).Distinct().Count() > 1)
            .OrderBy(k => position.GetValueOrDefault(k, int.MaxValue)).ThenBy(k => k, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyDictionary<string, string> Values(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
