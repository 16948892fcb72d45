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
    /// <param name="gpus"><c>auto</c>, <c>none</c> or device ids (<see cref="GpuDevices"/>); default EMBEDSWEEPS__TRAINER__GPUS, else auto.</param>
    public static TrialRunnerOptions Options(int? slots, string? gpus = null)
    {
        var source = Runtime.Settings.Source;
        var devices = GpuDevices.Resolve(gpus ?? Environment.GetEnvironmentVariable("EMBEDSWEEPS__TRAINER__GPUS"));
        if (slots is < 0) throw new EmbedSweepsException($"--slots {slots} (or EMBEDSWEEPS__TRAINER__SLOTS): give a number of trials, 0 or more.");
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
