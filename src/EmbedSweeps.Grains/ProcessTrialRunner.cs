using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

/// <summary>
/// Runs each trial attempt as an <c>embedsweeps trial-worker</c> child process: a libtorch crash or
/// out-of-memory kills the worker, not the silo, and GPU memory returns at exit. Relays the worker's
/// JSON lines to its trial grain (tagged with the attempt), kills it on stop or when the trial's
/// timeout passes, and reports a crash with the tail of its stderr. A retried attempt resumes from
/// the trial's last checkpoint.
/// </summary>
public sealed class ProcessTrialRunner(IGrainFactory grains, TrialRunnerOptions options, ILogger<ProcessTrialRunner> logger) : ITrialRunner
{
    private const int StderrLines = 40;
    private readonly ConcurrentDictionary<(string Key, int Attempt), Process> running = new();
    private readonly SemaphoreSlim slots = new(Math.Max(options.Slots, 0), Math.Max(options.Slots, 1));

    public string SiloName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public int Slots => options.Slots;

    public bool IsRunning(string key, int attempt) => running.ContainsKey((key, attempt));

    public Task StartAsync(TrialLaunch launch)
    {
        if (options.Slots == 0) throw new InvalidOperationException($"silo {SiloName} has no trainer slots; trials run on silos with the trainer role.");
        var directory = Path.GetFullPath(Path.Combine(options.TrialsRoot, Safe(launch.Sweep), Safe(launch.TrialId)));
        Directory.CreateDirectory(directory);
        var spec = Path.Combine(directory, $"trial-attempt-{launch.Attempt}.json");
        var model = Path.Combine(directory, "model");
        // A first attempt starts clean (the folder may hold another deployment's run); a retry resumes
        // from the newest step checkpoint its predecessor wrote, if any.
        if (launch.Attempt == 1 && Directory.Exists(model)) Directory.Delete(model, recursive: true);
        var checkpoints = Path.Combine(model, "checkpoints");
        var hasCheckpoint = Directory.Exists(checkpoints) && Directory.EnumerateDirectories(checkpoints, "step-*").Any(d => !d.EndsWith(".partial", StringComparison.Ordinal));
        var document = new JsonObject
        {
            ["trial_id"] = launch.TrialId,
            ["attempt"] = launch.Attempt,
            ["objective"] = launch.Objective,
            ["output"] = model,
            ["device"] = launch.Device,
            ["resume"] = hasCheckpoint ? model : null,
            ["settings"] = JsonNode.Parse(launch.SettingsJson),
            ["exit_with_parent"] = true,
        };
        File.WriteAllText(spec, document.ToJsonString());
        // A placeholder so IsRunning is true from the moment the grain records the attempt.
        running[(launch.Key, launch.Attempt)] = new Process();
        _ = Task.Run(() => RunAsync(launch, spec));
        return Task.CompletedTask;
    }

    public Task StopAsync(string key, int attempt)
    {
        if (running.TryRemove((key, attempt), out var process)) Kill(process);
        return Task.CompletedTask;
    }

    private async Task RunAsync(TrialLaunch launch, string spec)
    {
        var trial = grains.GetGrain<ITrialGrain>(launch.Key);
        var stderr = new Queue<string>();
        var gotResult = false;
        await slots.WaitAsync();
        try
        {
            var start = new ProcessStartInfo(options.WorkerProgram)
            {
                // stdin is a pipe the worker watches: if this silo dies, the pipe closes and the worker exits
                // instead of training on as an orphan that no grain listens to.
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var argument in options.WorkerArguments.Concat(["trial-worker", "--spec", spec])) start.ArgumentList.Add(argument);
            foreach (var (name, value) in options.WorkerEnvironment) start.Environment[name] = value;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.WorkerProgram}");
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
                gotResult |= await RelayAsync(trial, launch, line);
            await process.WaitForExitAsync();

            if (!running.ContainsKey((launch.Key, launch.Attempt))) return; // stopped on purpose
            if (timeout.IsCancellationRequested)
                await trial.FailAsync(launch.Attempt, $"timed out after {launch.Timeout} (limits.trial_timeout)");
            else if (!gotResult)
                await trial.FailAsync(launch.Attempt, $"the worker exited with code {process.ExitCode}: {Tail(stderr)}");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Trial {Key} attempt {Attempt} could not run", launch.Key, launch.Attempt);
            await trial.FailAsync(launch.Attempt, $"the worker could not run: {e.Message}");
        }
        finally
        {
            running.TryRemove((launch.Key, launch.Attempt), out _);
            slots.Release();
        }
    }

    /// <summary>Turns one worker line into grain calls; returns true for the final result.</summary>
    private async Task<bool> RelayAsync(ITrialGrain trial, TrialLaunch launch, string line)
    {
        JsonObject? message;
        try { message = JsonNode.Parse(line) as JsonObject; }
        catch (JsonException) { return false; } // not ours: a library printing to stdout
        if (message is null || message["attempt"]?.GetValue<int>() != launch.Attempt) return false;
        var step = message["step"]?.GetValue<int>() ?? 0;
        switch (message["event"]?.GetValue<string>())
        {
            case "log":
                await trial.ReportAsync(launch.Attempt, [
                    new MetricPoint(step, "loss", message["loss"]!.GetValue<double>()),
                    new MetricPoint(step, "lr", message["lr"]!.GetValue<double>()),
                ]);
                return false;
            case "eval":
                var points = Numbers(message["metrics"]).Select(m => new MetricPoint(step, m.Key, m.Value)).ToList();
                await trial.ReportAsync(launch.Attempt, points);
                return false;
            case "result":
                var metrics = Numbers(message["metrics"]).ToDictionary(m => m.Key, m => m.Value);
                await trial.CompleteAsync(launch.Attempt, metrics, message["output"]?.GetValue<string>() ?? "");
                return true;
            case "error":
                await trial.FailAsync(launch.Attempt, message["message"]?.GetValue<string>() ?? "the worker reported an error");
                return true;
            default:
                return false;
        }
    }

    // Metrics that are numbers; "NaN" (a degenerate model's correlation) is left out.
    private static IEnumerable<KeyValuePair<string, double>> Numbers(JsonNode? metrics) =>
        (metrics as JsonObject ?? []).Where(m => m.Value is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            .Select(m => new KeyValuePair<string, double>(m.Key, m.Value!.GetValue<double>()));

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

    // Trial ids and sweep names are validated, but a path must never escape the trials root.
    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
