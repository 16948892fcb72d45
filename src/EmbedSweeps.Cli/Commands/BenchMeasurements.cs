using System.CommandLine;
using System.Diagnostics;

namespace EmbedSweeps.Cli.Commands;

/// <summary>What the benchmarks report: medians and the process's peak memory.</summary>
internal static class BenchMeasurements
{
    /// <summary>Every benchmark's <c>--json FILE</c>: the results also written to a file.</summary>
    public static Option<string?> JsonOption() => new("--json") { Description = "Also write the results to this JSON file." };

    /// <summary>Prints the results (JSON text) and, when <paramref name="path"/> is given, writes them there atomically.</summary>
    public static void Report(string text, string? path)
    {
        Console.WriteLine(text);
        if (path is not null) AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));
    }

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
