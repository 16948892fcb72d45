using System.Diagnostics;

namespace EmbedSweeps.Cli.Commands;

/// <summary>What the benchmarks report: medians and the process's peak memory.</summary>
internal static class BenchMeasurements
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // VmHWM: the process's peak resident set, from the kernel.
    public static double PeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
