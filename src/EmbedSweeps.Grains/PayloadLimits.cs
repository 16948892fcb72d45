using System.Text.RegularExpressions;

namespace EmbedSweeps.Grains;

/// <summary>
/// What the grains accept from callers (workers, the CLI, the web): keys that cannot name anything
/// outside their own blob or table row, and payloads of bounded size. Anything else is refused with
/// an <see cref="ArgumentException"/> and nothing is stored.
/// </summary>
public static partial class PayloadLimits
{
    public const int MaxPointsPerReport = 1_000;
    public const int MaxTimelinePoints = 200_000;
    public const int MaxMetrics = 1_000;
    public const int MaxNameLength = 128;
    public const int MaxReasonLength = 8_192;
    public const int MaxPathLength = 4_096;

    public static void CheckMetrics(IEnumerable<string> names, int count, string what)
    {
        if (count > MaxMetrics) throw new ArgumentException($"{what}: {count} metrics is more than the {MaxMetrics} a trial may report.");
        foreach (var name in names)
            if (!MetricNamePattern().IsMatch(name)) throw new ArgumentException($"{what}: '{Shorten(name)}' is not a metric name (letters, digits, '_', '.', '-', at most {MaxNameLength}).");
    }

    /// <summary>A failure reason is kept, but only its last part when it is very long (a worker's stderr can be huge).</summary>
    public static string Reason(string reason) => reason.Length <= MaxReasonLength ? reason : "…" + reason[^(MaxReasonLength - 1)..];

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex MetricNamePattern();
}
