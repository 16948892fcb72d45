using EmbedSweeps.Embeddings;
using EmbedSweeps.Grains;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>
/// How silos started by this program run trials: as <c>embedsweeps trial-worker</c> child processes of
/// this same program, with this run's settings file, writing under <c>.embedsweeps/trials</c> beside it.
/// </summary>
internal static class TrialWorkers
{
    /// <param name="slots">Trials at once; default one per GPU, or one on a CPU trainer.</param>
    /// <param name="gpus"><c>auto</c> (default), <c>none</c> or device ids (<see cref="GpuDevices"/>).</param>
    /// <param name="from">Where the settings came from, for error messages: options (<c>--</c>) or an environment prefix.</param>
    public static TrialRunnerOptions Options(int? slots, string? gpus, string from = "--")
    {
        string Name(string setting) => from == "--" ? from + setting : from + setting.ToUpperInvariant();
        var source = Runtime.Settings.Source;
        var devices = GpuDevices.Resolve(gpus, Name("gpus"));
        if (slots is < 0) throw new EmbedSweepsException($"{Name("slots")} {slots}: give a number of trials, 0 or more.");
        return new TrialRunnerOptions
        {
            Slots = slots ?? Math.Max(1, devices.Count),
            Gpus = devices,
            TrialsRoot = Path.Combine(Runtime.StateDirectory, "trials"),
            WorkerProgram = Program(),
            WorkerArguments = Arguments(),
            WorkerEnvironment = source is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["EMBEDSWEEPS_SETTINGS"] = source },
        };
    }

    // EMBEDSWEEPS_WORKER names the CLI's .dll when the host is not the CLI itself (tests).
    private static string Program() =>
        Environment.GetEnvironmentVariable("EMBEDSWEEPS_WORKER") is { Length: > 0 } ? "dotnet" : Environment.ProcessPath ?? "dotnet";

    private static IReadOnlyList<string> Arguments()
    {
        if (Environment.GetEnvironmentVariable("EMBEDSWEEPS_WORKER") is { Length: > 0 } worker) return [worker];
        return Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "") == "dotnet" ? [typeof(TrialWorkers).Assembly.Location] : [];
    }
}
