using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Models;
using EmbedSweeps.Grains;
using EmbedSweeps.Cli.Output;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps bench cluster</c>: the platform's own overhead. A random-search sweep of N one-step trials of
/// a tiny random BERT runs on a silo hosted here with S slots, under a fresh storage prefix; prints JSON:
/// trials per minute, slot-free → worker-start delay (median, p95), storage requests per trial, this
/// process's (the silo's) peak RSS.
/// </summary>
internal static class BenchClusterCommand
{
    public static Command Create()
    {
        var trials = new Option<int>("--trials") { Description = "Trials in the sweep.", DefaultValueFactory = _ => 500 };
        var slots = new Option<int>("--slots") { Description = "Trials running at once.", DefaultValueFactory = _ => 20 };
        var vocabulary = new Option<string>("--vocabulary-from") { Description = "A model whose vocabulary the tiny BERT uses.", DefaultValueFactory = _ => "sentence-transformers/all-MiniLM-L6-v2" };
        var json = BenchMeasurements.JsonOption();
        var command = new Command("cluster", "Measure scheduling overhead: N one-step trials of a tiny model on S slots.") { trials, slots, vocabulary, json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var (count, width) = (result.GetValue(trials), result.GetValue(slots));
            if (count < 1 || width < 1) throw new EmbedSweepsException("--trials and --slots must be at least 1.");
            var folder = Directory.CreateTempSubdirectory("embedsweeps-bench-").FullName;
            var model = Path.Combine(folder, "tiny-bert");
            TinyBert.Create(model, Runtime.Models.Resolve(result.GetValue(vocabulary)!));
            var name = $"bench-{count}x{width}";
            var yaml = $"""
                name: {name}
                method: random
                objective: {"{"} metric: stsb_validation_spearman_cosine {"}"}
                parameters:
                  base_model: {model}
                  loss: cosine
                  learning_rate: {"{"} distribution: log_uniform, min: 1.0e-5, max: 1.0e-3 {"}"}
                  batch_size: 8
                data: {"{"} train: stsb, max_samples: 16 {"}"}
                training: {"{"} max_steps: 1 {"}"}
                limits: {"{"} max_trials: {count}, max_concurrent_trials: {width}, trial_timeout: 10m {"}"}
                """;

            // A fresh prefix: no other cluster, no earlier state; the silo is hosted in this process.
            var hosting = result.Hosting();
            hosting = hosting with
            {
                Cluster = hosting.Cluster with { StoragePrefix = "bench" + Guid.NewGuid().ToString("N")[..8] },
                Trainer = hosting.Trainer with { Slots = width },
            };
            var delays = new List<double>();
            long requests = 0;
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == ClusterMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
            listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => { if (instrument == ClusterMetrics.SlotToWorker) lock (delays) delays.Add(value); });
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => { if (instrument == ClusterMetrics.StorageRequests) Interlocked.Add(ref requests, value); });
            listener.Start();

            await using var session = await ClusterSession.StartAsync(hosting, trainer: true, cancellationToken);
            var experiment = session.Client.GetGrain<IExperimentGrain>(name);
            var clock = Stopwatch.StartNew();
            var snapshot = await AuditedChange.RunAsync(session, "submit", name, () => experiment.SubmitAsync(yaml, name + ".yaml"));
            while (snapshot.Status == ExperimentStatus.Running)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                snapshot = await experiment.GetAsync();
                Console.Error.Write($"\r{snapshot.Trials.Count(t => t.Status.IsFinal())}/{snapshot.Trials.Count} trials ended, {clock.Elapsed:mm\\:ss}");
            }
            var wall = clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine();
            double[] sorted;
            lock (delays) sorted = delays.Order().ToArray();
            var report = new
            {
                trials = snapshot.Trials.Count,
                succeeded = snapshot.Count(TrialStatus.Succeeded),
                failed = snapshot.Count(TrialStatus.Failed),
                slots = width,
                wall_seconds = Math.Round(wall, 1),
                trials_per_minute = Math.Round(snapshot.Trials.Count / wall * 60, 1),
                slot_to_worker_seconds = new
                {
                    samples = sorted.Length,
                    median = sorted.Length == 0 ? double.NaN : Math.Round(BenchMeasurements.Median(sorted), 3),
                    p95 = sorted.Length == 0 ? double.NaN : Math.Round(sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(sorted.Length * 0.95) - 1)], 3),
                },
                storage_requests = Interlocked.Read(ref requests),
                storage_requests_per_trial = Math.Round((double)Interlocked.Read(ref requests) / snapshot.Trials.Count, 1),
                silo_peak_rss_mb = Math.Round(BenchMeasurements.PeakResidentMegabytes(), 0),
                cpus = Environment.ProcessorCount,
            };
            var text = JsonOutput.Serialize(report);
            BenchMeasurements.Report(text, result.GetValue(json));
            Directory.Delete(folder, recursive: true);
            return CommandLine.Success;
        }));
        return command;
    }
}
