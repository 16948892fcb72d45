using System.Globalization;
using System.Text.Json;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>Trials of a sweep ranked by its objective, with the settings that vary and every final metric.</summary>
internal static class LeaderboardTable
{
    public sealed record Row(int Rank, string TrialId, TrialStatus Status, IReadOnlyDictionary<string, string> Settings, IReadOnlyDictionary<string, double> Metrics,
        double? Objective, bool Baseline, double? Gain, string? Failure, string? Silo, double? DurationSeconds, string? Model);

    public static async Task<List<Row>> BuildAsync(IClusterClient client, ExperimentSnapshot experiment)
    {
        var rows = new List<Row>();
        foreach (var trial in experiment.Trials)
        {
            var snapshot = await client.GetGrain<ITrialGrain>($"{experiment.Name}/{trial.TrialId}").GetAsync();
            using var settings = JsonDocument.Parse(trial.ParametersJson);
            var values = settings.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
            rows.Add(new Row(0, trial.TrialId, snapshot.Status, values, snapshot.FinalMetrics,
                snapshot.FinalMetrics.TryGetValue(experiment.Objective, out var objective) ? objective : trial.Objective, trial.Baseline, null,
                snapshot.Status == TrialStatus.Succeeded ? null : snapshot.Failure, snapshot.Silo,
                snapshot is { StartedAt: { } started, EndedAt: { } ended } ? Math.Round((ended - started).TotalSeconds, 1) : null,
                snapshot.ModelUri ?? snapshot.OutputPath));
        }
        // Gain over the untrained base model (its baseline row), in the objective's better direction.
        var baselines = rows.Where(r => r.Baseline && r.Objective is not null).ToDictionary(r => r.Settings.GetValueOrDefault("base_model", ""), r => r.Objective!.Value);
        rows = rows.Select(r => r.Baseline || r.Objective is null || !baselines.TryGetValue(r.Settings.GetValueOrDefault("base_model", ""), out var baseline)
            ? r : r with { Gain = experiment.Maximize ? r.Objective - baseline : baseline - r.Objective }).ToList();
        var searched = rows.Where(r => !r.Baseline);
        var ranked = experiment.Maximize
            ? searched.OrderByDescending(r => r.Status == TrialStatus.Succeeded).ThenByDescending(r => r.Objective ?? double.NegativeInfinity)
            : searched.OrderByDescending(r => r.Status == TrialStatus.Succeeded).ThenBy(r => r.Objective ?? double.PositiveInfinity);
        return rows.Where(r => r.Baseline).Concat(ranked.Select((r, i) => r with { Rank = i + 1 })).ToList();
    }

    public static void Print(ExperimentSnapshot experiment, IReadOnlyList<Row> rows, int? top)
    {
        var shown = rows.Where(r => r.Baseline).Concat(rows.Where(r => !r.Baseline).Take(top ?? int.MaxValue)).ToList();
        var searchedRows = rows.Where(r => !r.Baseline).ToList();
        var varying = searchedRows.SelectMany(r => r.Settings.Keys).Distinct().Where(k => searchedRows.Select(r => r.Settings.GetValueOrDefault(k)).Distinct().Count() > 1).ToList();
        // The headline metrics; --json has all of them.
        var metrics = rows.SelectMany(r => r.Metrics.Keys).Distinct()
            .Where(m => m == experiment.Objective || m.EndsWith("_spearman_cosine", StringComparison.Ordinal) || m.StartsWith("banking77_", StringComparison.Ordinal))
            .OrderBy(m => m != experiment.Objective).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var header = new[] { "rank", "trial", "status" }.Concat(varying).Append("gain").Concat(metrics).ToList();
        var table = shown.Select(r => new[] { r.Baseline ? "base" : r.Rank.ToString(CultureInfo.InvariantCulture), r.TrialId, r.Status.ToString().ToLowerInvariant() }
            .Concat(varying.Select(v => r.Settings.GetValueOrDefault(v, "")))
            .Append(r.Gain is { } gain ? gain.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture) : "")
            .Concat(metrics.Select(m => r.Metrics.TryGetValue(m, out var value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "")).ToList()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, table.Count == 0 ? 0 : table.Max(row => row[i].Length))).ToList();
        Console.WriteLine($"{experiment.Name}: {experiment.Status.ToString().ToLowerInvariant()}, ranked by {experiment.Objective} ({(experiment.Maximize ? "higher" : "lower")} is better)");
        Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in table) Console.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))));
        foreach (var row in shown.Where(r => r.Failure is not null)) Console.WriteLine($"{row.TrialId}: {row.Failure}");
    }
}
