namespace EmbedSweeps.Grains;

/// <summary>How this silo runs trials: how many at once, where their files go, and the worker command.</summary>
public sealed record TrialRunnerOptions
{
    /// <summary>Trials this silo runs at the same time (0 on a silo without the trainer role).</summary>
    public int Slots { get; init; } = 1;

    /// <summary>
    /// The GPUs (CUDA device ids) trials run on, each worker seeing one as CUDA_VISIBLE_DEVICES; trials are
    /// packed by their sweep's <c>resources.trials_per_gpu</c> (<see cref="GpuShares"/>). Empty: CPU only.
    /// </summary>
    public IReadOnlyList<string> Gpus { get; init; } = [];

    /// <summary>Each trial writes its model and checkpoints to {TrialsRoot}/{sweep}/{trial id}.</summary>
    public string TrialsRoot { get; init; } = Path.Combine(".embedsweeps", "trials");

    /// <summary>The program that runs <c>trial-worker --spec FILE</c>, and the arguments before those.</summary>
    public string WorkerProgram { get; init; } = Environment.ProcessPath ?? "dotnet";
    public IReadOnlyList<string> WorkerArguments { get; init; } = [];

    /// <summary>Extra environment for workers (e.g. EMBEDSWEEPS_SETTINGS).</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment { get; init; } = new Dictionary<string, string>();
}
