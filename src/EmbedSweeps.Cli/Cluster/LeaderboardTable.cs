using System.Globalization;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>The leaderboard as a terminal table: the settings that vary and the headline metrics.</summary>
internal static class LeaderboardTable
{
    /// <summary>The baselines and the best <paramref name="top"/> trials (all of them when null), in rank order.</summary>
    public static List<LeaderboardRow> Top(IReadOnlyList<LeaderboardRow> rows, int? top) =>
        rows.Where(r => r.Baseline).Concat(rows.Where(r => !r.Baseline).Take(top ?? int.MaxValue)).ToList();

    /// <param name="pareto">Metrics whose Pareto front to mark (report.pareto or --pareto); empty for none.</param>
    public static void Print(ExperimentSnapshot experiment, IReadOnlyList<LeaderboardRow> rows, int? top, IReadOnlyList<string>? pareto = null)
    {
        pareto ??= [];
        var front = OnFront(rows, pareto);
        var shown = Top(rows, top);
        var varying = Leaderboard.VaryingSettings(rows, experiment.SettingOrder);
        // The headline metrics; --json has all of them.
        var metrics = rows.SelectMany(r => r.Metrics.Keys).Distinct()
            .Where(m => m == experiment.Objective || m.EndsWith("_spearman_cosine", StringComparison.Ordinal) || m.EndsWith("_ndcg_at_10", StringComparison.Ordinal)
                        || (m.StartsWith("banking77", StringComparison.Ordinal) && !m.Contains("_ci_", StringComparison.Ordinal) && !m.Contains("_gain", StringComparison.Ordinal)))
            .Concat(pareto).Distinct()
            .OrderBy(m => m != experiment.Objective).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var header = new[] { "rank", "trial", "status" }.Concat(pareto.Count > 0 ? ["pareto"] : Array.Empty<string>()).Concat(varying).Append("gain").Concat(metrics).ToList();
        var table = shown.Select(r => new[] { r.Baseline ? "base" : r.Rank.ToString(CultureInfo.InvariantCulture), r.TrialId, r.Status.ToString().ToLowerInvariant() }
            .Concat(pareto.Count > 0 ? [front.Contains(r.TrialId) ? "*" : ""] : Array.Empty<string>())
            .Concat(varying.Select(v => r.Settings.GetValueOrDefault(v, "")))
            .Append(r.Gain is { } gain ? gain.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture) + (r.GainWithinNoise ? " (noise)" : "") : "")
            .Concat(metrics.Select(m => r.Metrics.TryGetValue(m, out var value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "")).ToList()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, table.Count == 0 ? 0 : table.Max(row => row[i].Length))).ToList();
        Console.WriteLine($"{experiment.Name}: {experiment.Status.ToString().ToLowerInvariant()}, ranked by {experiment.Objective} ({(experiment.Maximize ? "higher" : "lower")} is better)");
        Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in table) Console.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))));
        foreach (var row in shown.Where(r => r.Failure is not null)) Console.WriteLine($"{row.TrialId}: {row.Failure}");
        if (pareto.Count > 0)
            Console.WriteLine($"pareto *: no other trial is at least as good on every one of {string.Join(", ", pareto)} and better on one.");
        if (shown.Any(r => r.GainWithinNoise))
            Console.WriteLine("(noise): the 95% paired-bootstrap interval of the gain over the untrained model contains 0; the difference may be chance.");
        if (metrics.Any(m => m.StartsWith("banking77_", StringComparison.Ordinal)))
            Console.WriteLine("banking77_*: MTEB Banking77Classification under MTEB 2.x sampling (mteb-v2) unless the metric name says mteb_v1.");
    }

    /// <summary>The succeeded trials (baseline aside) on the Pareto front of <paramref name="pareto"/>.</summary>
    public static IReadOnlySet<string> OnFront(IEnumerable<LeaderboardRow> rows, IReadOnlyList<string> pareto) => pareto.Count == 0
        ? new HashSet<string>()
        : EmbedSweeps.Sweeps.Reports.ParetoFront.Of(rows.Where(r => !r.Baseline && r.Status == TrialStatus.Succeeded).Select(r => (r.TrialId, r.Metrics)), pareto);
}
