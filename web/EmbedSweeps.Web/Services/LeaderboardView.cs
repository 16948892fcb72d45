using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Web.Services;

/// <summary>The leaderboard grid's rows as shown: filtered, sorted by one column, the baseline pinned first.</summary>
public static class LeaderboardView
{
    public static List<LeaderboardRow> Arrange(IReadOnlyList<LeaderboardRow> rows, string filter, (Func<LeaderboardRow, object?> Key, bool Descending)? sort)
    {
        var matching = rows.Where(r => Matches(r, filter)).ToList();
        var trials = matching.Where(r => !r.Baseline);
        if (sort is { } by)
        {
            // Missing values (NaN, null) go last in either direction.
            var present = trials.Where(r => !IsMissing(by.Key(r)));
            var missing = trials.Where(r => IsMissing(by.Key(r)));
            var ordered = by.Descending ? present.OrderByDescending(by.Key, Comparer<object?>.Default) : present.OrderBy(by.Key, Comparer<object?>.Default);
            trials = ordered.Concat(missing);
        }
        return matching.Where(r => r.Baseline).Concat(trials).ToList();
    }

    /// <summary>
    /// Page <paramref name="page"/> (from 0) of <paramref name="arranged"/> rows, <paramref name="size"/> trials per page,
    /// with the baselines on every page above them; the total counts trials only.
    /// </summary>
    public static (List<LeaderboardRow> Rows, int TotalTrials) Page(IReadOnlyList<LeaderboardRow> arranged, int page, int size)
    {
        var trials = arranged.Where(r => !r.Baseline).ToList();
        return (arranged.Where(r => r.Baseline).Concat(trials.Skip(page * size).Take(size)).ToList(), trials.Count);
    }

    private static bool IsMissing(object? key) => key is null || key is double d && double.IsNaN(d);

    private static bool Matches(LeaderboardRow row, string filter) =>
        string.IsNullOrWhiteSpace(filter) || row.Baseline ||
        new[] { row.TrialId, row.Status.ToString() }.Concat(row.Settings.Values)
            .Any(v => v.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase));
}
