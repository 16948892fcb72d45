using EmbedSweeps.Client;
using EmbedSweeps.Grains;

namespace EmbedSweeps.Silo.Hosting;

/// <summary>
/// How a trainer silo of this process runs trials: as trial-worker child processes (<see cref="HostingOptions.Worker"/>),
/// writing under <c>{StateDirectory}/trials</c>, on the GPUs found or given.
/// </summary>
public static class TrainerSetup
{
    /// <param name="slots">Trials at once (<c>--slots</c>); default <see cref="TrainerOptions.Slots"/>, else one per GPU, or one on a CPU trainer.</param>
    /// <param name="gpus"><c>auto</c>, <c>none</c> or device ids (<c>--gpus</c>, <see cref="GpuDevices"/>); default <see cref="TrainerOptions.Gpus"/>, else auto.</param>
    /// <exception cref="SettingException">A negative slot count, or a malformed GPU list; the message names the option or variable.</exception>
    public static TrialRunnerOptions RunnerOptions(HostingOptions options, int? slots = null, string? gpus = null)
    {
        if (slots is < 0) throw new SettingException($"--slots {slots}: give a number of trials, 0 or more.");
        slots ??= options.Trainer.Slots; // bound with its range checked: Trainer:Slots=-1 is refused there
        var devices = gpus is not null ? GpuDevices.Resolve(gpus, "--gpus") : GpuDevices.Resolve(options.Trainer.Gpus, EmbedSweepsConfiguration.VariableOf("Trainer:Gpus"));
        return new TrialRunnerOptions
        {
            Slots = slots ?? Math.Max(1, devices.Count),
            Gpus = devices,
            TrialsRoot = Path.Combine(options.StateDirectory, "trials"),
            WorkerProgram = options.Worker.Program,
            WorkerArguments = options.Worker.Arguments,
            WorkerEnvironment = options.Worker.Environment,
        };
    }

    /// <summary>A silo without the trainer role: no slots, no GPU discovery, no trainer settings read.</summary>
    public static TrialRunnerOptions None { get; } = new() { Slots = 0 };
}
