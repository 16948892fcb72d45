using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Cli.Output;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps bench leaderboard</c>: the read path at scale. Stores a finished sweep of N trials, each with P
/// curve points and 24 final metrics — written to storage in the grains' own state format (a silo hosted here,
/// under a fresh storage prefix; no training runs) — then times, from a cold start and on refreshes, what
/// <c>leaderboard NAME</c> does (the experiment's snapshot, ranking, the printed table), what it did before the
/// read model (one call per trial), and one trial page's read (its timeline). Prints JSON; medians of the refreshes.
/// </summary>
internal static class BenchLeaderboardCommand
{
    private static readonly string[] Metrics =
    [
        .. new[] { "stsb_validation", "stsb_test" }.SelectMany(split => new[] { "cosine", "dot", "euclidean", "manhattan" }
            .SelectMany(fn => new[] { $"{split}_pearson_{fn}", $"{split}_spearman_{fn}" })),
        "stsb_validation_spearman_cosine_gain_ci_low", "stsb_validation_spearman_cosine_gain_ci_high",
        "banking77_accuracy", "banking77_f1", "retrieval_ndcg@10", "retrieval_mrr@10", "retrieval_recall@100", "retrieval_map@100",
    ];

    public static Command Create()
    {
        var trials = new Option<int>("--trials") { Description = "Finished trials in the stored sweep.", DefaultValueFactory = _ => 1000 };
        var points = new Option<int>("--points") { Description = "Curve points per trial.", DefaultValueFactory = _ => 200 };
        var runs = new Option<int>("--runs") { Description = "Refreshes timed after the first read; the median is reported.", DefaultValueFactory = _ => 5 };
        var json = BenchMeasurements.JsonOption();
        var command = new Command("leaderboard", "Measure the leaderboard's read path on a stored sweep of N finished trials.") { trials, points, runs, json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var (count, length, refreshes) = (result.GetValue(trials), result.GetValue(points), result.GetValue(runs));
            if (count < 1 || length < 1 || refreshes < 1) throw new EmbedSweepsException("--trials, --points and --runs must be at least 1.");
            var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
            var hosting = result.Hosting();
            hosting = hosting with { Cluster = hosting.Cluster with { StoragePrefix = prefix } };
            await using var session = await ClusterSession.StartAsync(hosting, trainer: false, cancellationToken);
            var name = $"board-{count}";
            var clock = Stopwatch.StartNew();
            await SeedAsync(session, name, count, length, cancellationToken);
            var seeding = clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"stored {name}: {count} trials × {length} points in {seeding:F1} s (storage prefix {prefix})");

            // Read as the CLI and the web do: a client of the cluster through its gateway (messages serialized), not in the silo.
            await using var reader = await ClusterSession.StartAsync(hosting, trainer: false, cancellationToken);
            if (reader.Embedded) throw new EmbedSweepsException("the benchmark's own silo was not found in storage; nothing to read through a gateway.");
            var experiment = reader.Client.GetGrain<IExperimentGrain>(name);
            var firstBoard = await TimeAsync(() => PrintedLeaderboardAsync(experiment));
            var boards = await RepeatAsync(refreshes, () => PrintedLeaderboardAsync(experiment));
            var snapshot = await experiment.GetAsync();
            var trialGrains = snapshot.Trials.Select(t => reader.Client.Trial(name, t.TrialId)).ToList();
            var firstEvery = await TimeAsync(() => Task.WhenAll(trialGrains.Select(t => t.GetAsync())));
            var everies = await RepeatAsync(refreshes, () => Task.WhenAll(trialGrains.Select(t => t.GetAsync())));
            var trialPage = await RepeatAsync(refreshes, () => trialGrains[^1].GetAsync());
            var reply = System.Text.Encoding.UTF8.GetByteCount(System.Text.Json.JsonSerializer.Serialize(snapshot));
            var report = new
            {
                trials = count, points_per_trial = length, metrics_per_trial = Metrics.Length, runs = refreshes,
                leaderboard_seconds = new { first = Round(firstBoard), refresh_median = Round(BenchMeasurements.Median(boards)) },
                every_trial_called_seconds = new { first = Round(firstEvery), refresh_median = Round(BenchMeasurements.Median(everies)), note = "the read path before the read model: one call per trial, each returning its timeline" },
                trial_page_seconds = new { refresh_median = Round(BenchMeasurements.Median(trialPage)) },
                experiment_snapshot_json_kb = reply / 1024,
                seeding_seconds = Math.Round(seeding, 1), storage_prefix = prefix, cpus = Environment.ProcessorCount,
            };
            var text = JsonOutput.Serialize(report);
            BenchMeasurements.Report(text, result.GetValue(json));
            return CommandLine.Success;
        }));
        return command;
    }

    // What `leaderboard NAME` does after connecting: one call, the ranking, the table (written to a discarded writer).
    private static async Task PrintedLeaderboardAsync(IExperimentGrain experiment)
    {
        var snapshot = await experiment.GetAsync();
        var rows = Leaderboard.Rank(snapshot);
        var console = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            LeaderboardTable.Print(snapshot, rows, null);
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    private static double Round(double seconds) => Math.Round(seconds, 4);

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<List<double>> RepeatAsync(int runs, Func<Task> action)
    {
        var seconds = new List<double>();
        for (var i = 0; i < runs; i++) seconds.Add(await TimeAsync(action));
        return seconds;
    }

    // The sweep as the grains store it once every trial has finished: the experiment's state (trials with their
    // summaries) and each trial's state (timeline, final metrics), written through the silo's own storage providers.
    private static async Task SeedAsync(ClusterSession session, string name, int count, int length, CancellationToken cancellationToken)
    {
        var experiments = session.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Experiments);
        var trialStorage = session.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Trials);
        var random = new Random(7);
        var started = DateTimeOffset.UtcNow.AddHours(-count);
        var trials = new List<(ExperimentTrial Entry, TrialState State)>();
        for (var i = 0; i < count; i++)
        {
            var rate = Math.Exp(random.NextDouble() * Math.Log(100)) * 1e-6;
            var loss = i % 3 == 0 ? "mnrl" : i % 3 == 1 ? "cosine" : "softmax";
            var settings = string.Create(CultureInfo.InvariantCulture,
                $$"""{"base_model":"sentence-transformers/all-MiniLM-L6-v2","batch_size":32,"learning_rate":{{rate:R}},"loss":"{{loss}}","max_seq_length":64,"warmup_ratio":0.1}""");
            var parameters = string.Create(CultureInfo.InvariantCulture, $$"""{"learning_rate":{{rate:R}},"loss":"{{loss}}"}""");
            var metrics = Metrics.ToDictionary(m => m, _ => 0.7 + 0.2 * random.NextDouble());
            var timeline = Enumerable.Range(0, length).Select(p => p % 10 == 9
                ? new MetricPoint(p * 10, "stsb_validation_spearman_cosine", 0.8 + 0.05 * random.NextDouble())
                : new MetricPoint(p * 10, "loss", 2.0 / (1 + p))).ToList();
            var begin = started.AddMinutes(i * 2);
            var state = new TrialState
            {
                Created = true, SettingsJson = settings, Objective = "stsb_validation_spearman_cosine", Status = TrialStatus.Succeeded, Attempt = 1,
                Timeline = timeline, FinalMetrics = metrics, StartedAt = begin, EndedAt = begin.AddSeconds(90), Silo = "bench", OutputPath = $"trials/{name}/t-{i:x16}/model", Revision = 5,
            };
            var id = $"t-{i:x16}";
            var summary = new TrialSummary(5, TrialStatus.Succeeded, 1, metrics, null, "bench", state.StartedAt, state.EndedAt, state.OutputPath);
            trials.Add((new ExperimentTrial(id, TrialStatus.Succeeded, settings, metrics["stsb_validation_spearman_cosine"], parameters) { Summary = summary }, state));
        }
        var yaml = $$"""
            name: {{name}}
            method: random
            objective: { metric: stsb_validation_spearman_cosine }
            parameters:
              base_model: sentence-transformers/all-MiniLM-L6-v2
              loss: [mnrl, cosine, softmax]
              learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0e-4 }
            data: { train: nli }
            limits: { max_trials: {{count}}, max_concurrent_trials: 1 }
            """;
        await ExperimentTrialPages.SeedAsync(experiments, session.Client.GetGrain<IExperimentGrain>(name).GetGrainId(), new ExperimentState
        {
            Yaml = yaml, FileName = name + ".yaml", Status = ExperimentStatus.Completed, Trials = [.. trials.Select(t => t.Entry)],
            SubmittedAt = started, FinishedAt = DateTimeOffset.UtcNow,
        });
        await Parallel.ForEachAsync(trials, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (trial, _) =>
            await trialStorage.WriteStateAsync("trial", session.Client.Trial(name, trial.Entry.TrialId).GetGrainId(), new GrainState<TrialState>(trial.State)));
        await session.Client.GetGrain<ISweepIndexGrain>("default").AddAsync(name);
    }
}
