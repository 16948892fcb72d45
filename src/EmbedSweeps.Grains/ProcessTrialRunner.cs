using System.Collections.Concurrent;
using System.Diagnostics;
using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

/// <summary>
/// Runs each trial attempt as an <c>embedsweeps trial-worker</c> child process: a libtorch crash or
/// out-of-memory kills the worker, not the silo, and GPU memory returns at exit. Relays the worker's
/// JSON lines to its trial grain (tagged with the attempt), kills it on stop or when the trial's
/// timeout passes, and reports a crash with the tail of its stderr. A retried attempt resumes from
/// the trial's last checkpoint.
/// When the silo stops (Ctrl-C on a command that hosts it, SIGTERM), its workers are killed first and their trials left
/// Running: nothing is recorded as a failure, and the next silo to activate them resumes each from its last checkpoint.
/// </summary>
public sealed class ProcessTrialRunner : ITrialRunner
{
    private readonly IGrainFactory grains;
    private readonly TrialRunnerOptions options;
    private readonly IArtifactStore artifacts;
    private readonly ILogger<ProcessTrialRunner> logger;
    private volatile bool stopping;

    public ProcessTrialRunner(IGrainFactory grains, TrialRunnerOptions options, IArtifactStore artifacts, ILogger<ProcessTrialRunner> logger, IHostApplicationLifetime lifetime)
    {
        (this.grains, this.options, this.artifacts, this.logger) = (grains, options, artifacts, logger);
        slots = new(Math.Max(options.Slots, 0), Math.Max(options.Slots, 1));
        gpus = new(options.Gpus);
        lifetime.ApplicationStopping.Register(AbandonAll);
    }

    private const int StderrLines = 40;
    private readonly ConcurrentDictionary<(string Key, int Attempt), Process> running = new();
    private readonly SemaphoreSlim slots;
    private readonly GpuShares gpus;

    public string SiloName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public int Slots => options.Slots;

    public bool IsRunning(string key, int attempt) => running.ContainsKey((key, attempt));

    public int Busy => running.Count;

    private readonly SemaphoreSlim changed = new(0);

    public async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await changed.WaitAsync(timeout, cancellationToken);
        while (changed.CurrentCount > 0) await changed.WaitAsync(0, cancellationToken); // coalesce a burst of changes
    }

    /// <summary>Kills every worker without reporting anything: the silo is going away, the trials stay Running to be resumed.</summary>
    private void AbandonAll()
    {
        stopping = true;
        foreach (var key in running.Keys.ToList())
            if (running.TryRemove(key, out var process))
            {
                logger.LogWarning("Trial {Key} attempt {Attempt}: the silo is stopping; its worker stops too and the trial resumes from its last checkpoint on the next start", key.Key, key.Attempt);
                Kill(process);
            }
    }

    public Task StartAsync(TrialLaunch launch)
    {
        if (stopping) throw new InvalidOperationException($"silo {SiloName} is stopping; trial {launch.Key} starts on the next silo.");
        if (options.Slots == 0) throw new InvalidOperationException($"silo {SiloName} has no trainer slots; trials run on silos with the trainer role.");
        // A placeholder so IsRunning is true from the moment the grain records the attempt.
        running[(launch.Key, launch.Attempt)] = new Process();
        changed.Release();
        _ = Task.Run(() => RunAsync(launch));
        return Task.CompletedTask;
    }

    public async Task RemoveModelAsync(string sweep, string trialId)
    {
        await artifacts.DeleteTrialAsync(sweep, trialId, CancellationToken.None);
        var directory = Path.GetFullPath(Path.Combine(options.TrialsRoot, StorageKeys.Safe(sweep), StorageKeys.Safe(trialId)));
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Writes the worker's spec; a retry resumes from the newest checkpoint, here or in the artifact store.</summary>
    private async Task<(string Spec, string Model)> PrepareAsync(TrialLaunch launch, GpuLease? gpu)
    {
        var directory = Path.GetFullPath(Path.Combine(options.TrialsRoot, StorageKeys.Safe(launch.Sweep), StorageKeys.Safe(launch.TrialId)));
        Directory.CreateDirectory(directory);
        var spec = Path.Combine(directory, $"trial-attempt-{launch.Attempt}.json");
        var model = Path.Combine(directory, "model");
        // A first attempt starts clean (the folder may hold another deployment's run).
        if (launch.Attempt == 1 && Directory.Exists(model)) Directory.Delete(model, recursive: true);
        var checkpoints = Path.Combine(model, "checkpoints");
        var hasCheckpoint = HasCheckpoint(checkpoints);
        if (!hasCheckpoint && launch.Attempt > 1)
        {
            // The earlier attempt ran on another silo (this one's was killed, or it is new): fetch its checkpoint.
            try { hasCheckpoint = await artifacts.DownloadLatestCheckpointAsync(launch.Sweep, launch.TrialId, checkpoints, CancellationToken.None); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning(e, "Trial {Key}: no checkpoint could be fetched; attempt {Attempt} starts from the beginning", launch.Key, launch.Attempt);
            }
        }
        var document = new WorkerSpec(launch.TrialId, launch.Objective, model, WorkerJson.Settings(launch.SettingsJson), launch.Attempt, launch.Device,
            Gpu: gpu?.Device, // as a record: the worker sees it through CUDA_VISIBLE_DEVICES
            Resume: hasCheckpoint ? model : null, ExitWithParent: true);
        await File.WriteAllTextAsync(spec, WorkerJson.Write(document));
        return (spec, model);
    }

    private static bool HasCheckpoint(string checkpoints) =>
        Directory.Exists(checkpoints) && Directory.EnumerateDirectories(checkpoints, "step-*").Any(d => !d.EndsWith(".partial", StringComparison.Ordinal));

    public Task StopAsync(string key, int attempt)
    {
        if (running.TryRemove((key, attempt), out var process)) Kill(process);
        return Task.CompletedTask;
    }

    private async Task RunAsync(TrialLaunch launch)
    {
        var trial = grains.GetGrain<ITrialGrain>(launch.Key);
        var stderr = new Queue<string>();
        var gotResult = false;
        var uploads = new ArtifactUploads(artifacts, launch, logger);
        await slots.WaitAsync();
        GpuLease? gpu = null;
        try
        {
            // A trial that may use CUDA on a GPU silo waits for its share of a GPU and sees only that one.
            if (gpus.Devices.Count > 0 && launch.Device != "cpu") gpu = await gpus.LeaseAsync(launch.TrialsPerGpu, CancellationToken.None);
            var (spec, _) = await PrepareAsync(launch, gpu);
            var start = new ProcessStartInfo(options.WorkerProgram)
            {
                // stdin is a pipe the worker watches: if this silo dies, the pipe closes and the worker exits
                // instead of training on as an orphan that no grain listens to.
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var argument in options.WorkerArguments.Concat(["trial-worker", "--spec", spec])) start.ArgumentList.Add(argument);
            // Share the cores between the slots: libtorch otherwise gives every worker all of them, and many
            // workers' OpenMP threads spinning against each other make a full trainer many times slower.
            if (!start.Environment.ContainsKey("OMP_NUM_THREADS"))
                start.Environment["OMP_NUM_THREADS"] = Math.Max(1, Environment.ProcessorCount / Math.Max(1, options.Slots)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, value) in options.WorkerEnvironment) start.Environment[name] = value;
            if (gpu is not null) start.Environment["CUDA_VISIBLE_DEVICES"] = gpu.Device;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.WorkerProgram}");
            ClusterMetrics.WorkerStarted();
            if (!running.TryUpdate((launch.Key, launch.Attempt), process, running.GetValueOrDefault((launch.Key, launch.Attempt))!))
            {
                Kill(process); // stopped before it started
                return;
            }
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderr)
                {
                    stderr.Enqueue(e.Data);
                    while (stderr.Count > StderrLines) stderr.Dequeue();
                }
            };
            process.BeginErrorReadLine();

            using var timeout = new CancellationTokenSource(launch.Timeout);
            using var _ = timeout.Token.Register(() => Kill(process));
            while (await process.StandardOutput.ReadLineAsync() is { } line)
                gotResult |= await RelayAsync(trial, launch, line, uploads);
            await process.WaitForExitAsync();

            if (!running.ContainsKey((launch.Key, launch.Attempt))) return; // stopped on purpose
            if (timeout.IsCancellationRequested)
                await Patiently.CallAsync(() => trial.FailAsync(launch.Attempt, $"timed out after {launch.Timeout} (limits.trial_timeout)"), logger, $"{launch.Key}: fail");
            else if (!gotResult)
                await Patiently.CallAsync(() => trial.FailAsync(launch.Attempt, $"the worker exited with code {process.ExitCode}: {Tail(stderr)}"), logger, $"{launch.Key}: fail");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Trial {Key} attempt {Attempt} could not run", launch.Key, launch.Attempt);
            await Patiently.CallAsync(() => trial.FailAsync(launch.Attempt, $"the worker could not run: {e.Message}"), logger, $"{launch.Key}: fail");
        }
        finally
        {
            running.TryRemove((launch.Key, launch.Attempt), out _);
            gpu?.Dispose();
            slots.Release();
            ClusterMetrics.SlotFreed();
            changed.Release();
        }
    }

    /// <summary>Turns one worker line into grain calls; returns true for the final result.</summary>
    private async Task<bool> RelayAsync(ITrialGrain trial, TrialLaunch launch, string line, ArtifactUploads uploads)
    {
        var message = WorkerJson.TryRead(line); // null: not ours (a library printing to stdout)
        if (message is null || message.Attempt != launch.Attempt) return false;
        var step = message.Step;
        switch (message)
        {
            case WorkerLog log:
                MetricPoint[] logged = [new(step, "loss", log.Loss), new(step, "lr", log.Lr)];
                await Patiently.CallAsync(() => trial.ReportAsync(launch.Attempt, logged), logger, $"{launch.Key}: report");
                return false;
            case WorkerEval eval:
                var points = Finite(eval.Metrics).Select(m => new MetricPoint(step, m.Key, m.Value)).ToList();
                // A NaN objective is a failed evaluation: the early-termination rule must see it (it stops the trial).
                if (eval.Metrics.TryGetValue(launch.Objective, out var objective) && !double.IsFinite(objective))
                    points.Add(new MetricPoint(step, launch.Objective, double.NaN));
                await Patiently.CallAsync(() => trial.ReportAsync(launch.Attempt, points), logger, $"{launch.Key}: report");
                return false;
            case WorkerTraining training:
                // The run's length, so progress can show an ETA (a point at step 0, not a curve).
                await Patiently.CallAsync(() => trial.ReportAsync(launch.Attempt, [new MetricPoint(0, TrialProgress.TotalStepsMetric, training.TotalSteps)]), logger, $"{launch.Key}: report");
                return false;
            case WorkerCheckpoint checkpoint:
                uploads.Checkpoint(checkpoint.Path);
                return false;
            case WorkerResult result:
                var metrics = Finite(result.Metrics).ToDictionary(m => m.Key, m => m.Value);
                var uri = result.Output.Length > 0 ? await uploads.ModelAsync(result.Output) : null;
                await Patiently.CallAsync(() => trial.CompleteAsync(launch.Attempt, metrics, result.Output, uri), logger, $"{launch.Key}: complete");
                return true;
            case WorkerError error:
                await Patiently.CallAsync(() => trial.FailAsync(launch.Attempt, error.Message), logger, $"{launch.Key}: fail");
                return true;
            default:
                return false; // started: nothing to store
        }
    }

    // Metrics that are numbers; NaN (a degenerate model's correlation) is left out.
    private static IEnumerable<KeyValuePair<string, double>> Finite(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Where(m => double.IsFinite(m.Value));

    private static void Kill(Process process)
    {
        try
        {
            if (process.Id > 0 && !process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }
    }

    private static string Tail(Queue<string> lines)
    {
        lock (lines) return lines.Count == 0 ? "(no output on stderr)" : string.Join(" | ", lines.TakeLast(8));
    }
}
