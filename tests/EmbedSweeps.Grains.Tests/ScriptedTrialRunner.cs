using System.Collections.Concurrent;
using System.Text.Json;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Grains;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// A trial runner for grain tests: instead of a worker process, each attempt reports the objective
/// at steps 100, 200 and 300 — value = learning_rate × 10⁴ + step / 10⁴ — and completes. Records how
/// many attempts ran at once, so tests can check the concurrency limit. Baselines score 0; learning rates of 1e-3
/// and more score NaN (a failed evaluation). Settings with <c>"hold": true</c> report nothing: the test reports for the worker.
/// </summary>
public sealed class ScriptedTrialRunner(IGrainFactory grains) : ITrialRunner
{
    private readonly ConcurrentDictionary<(string, int), CancellationTokenSource> running = new();
    private int current;

    public static int MaxConcurrent;
    public static int Started;
    public static TimeSpan StepDelay = TimeSpan.FromMilliseconds(50);

    public string SiloName => "test-silo";
    public int Slots => 4;

    public static double Value(string settingsJson, int step)
    {
        using var document = JsonDocument.Parse(settingsJson);
        // A baseline (no learning rate) scores as an untrained model would: lowest.
        if (!document.RootElement.TryGetProperty("learning_rate", out var rate)) return 0.0;
        // A learning rate of 1e-3 or more "diverges": its evaluations fail (NaN), as a collapsed model's do.
        return rate.GetDouble() >= 1e-3 ? double.NaN : rate.GetDouble() * 1e4 + step / 1e4;
    }

    public Task StartAsync(TrialLaunch launch)
    {
        var cancellation = new CancellationTokenSource();
        running[(launch.Key, launch.Attempt)] = cancellation;
        if (launch.SettingsJson.Contains("\"hold\":true")) return Task.CompletedTask; // runs until stopped; not counted
        Interlocked.Increment(ref Started);
        var now = Interlocked.Increment(ref current);
        InterlockedMax(ref MaxConcurrent, now);
        _ = Task.Run(async () =>
        {
            var trial = grains.GetGrain<ITrialGrain>(launch.Key);
            try
            {
                foreach (var step in new[] { 100, 200, 300 })
                {
                    await Task.Delay(StepDelay, cancellation.Token);
                    await trial.ReportAsync(launch.Attempt, [new MetricPoint(step, launch.Objective, Value(launch.SettingsJson, step))]);
                }
                await Task.Delay(StepDelay, cancellation.Token);
                await trial.CompleteAsync(launch.Attempt, new Dictionary<string, double> { [launch.Objective] = Value(launch.SettingsJson, 300), ["stsb_validation_spearman_dot"] = Value(launch.SettingsJson, 300) }, $"/models/{launch.TrialId}", null);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                running.TryRemove((launch.Key, launch.Attempt), out _);
                Interlocked.Decrement(ref current);
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>Trials whose models were removed ("sweep/trial"), in order.</summary>
    public static readonly ConcurrentQueue<string> RemovedModels = new();

    public Task RemoveModelAsync(string sweep, string trialId)
    {
        RemovedModels.Enqueue($"{sweep}/{trialId}");
        return Task.CompletedTask;
    }

    public Task StopAsync(string key, int attempt)
    {
        if (running.TryRemove((key, attempt), out var cancellation)) cancellation.Cancel();
        return Task.CompletedTask;
    }

    public bool IsRunning(string key, int attempt) => running.ContainsKey((key, attempt));

    public int Busy => running.Count;

    public Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(timeout, cancellationToken);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
