using System.CommandLine;
using System.Diagnostics.Metrics;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Cli.Output;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Client;
using EmbedSweeps.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps bench storage</c>: what storing a trial's curve, and a sweep's trial list, costs as they grow (the trial
/// list: <see cref="BenchSweepStorage"/>). For each length N, a running trial
/// (its state seeded in the grains' format, under a fresh storage prefix) receives N points in reports of K through its
/// grain, as a worker's would arrive, and the bytes sent to blob storage are counted. Beside it, the same reports stored
/// as trials stored them before timelines were appended in chunks — the whole timeline written again at every report —
/// through the same storage provider. Prints JSON.
/// </summary>
internal static class BenchStorageCommand
{
    public static Command Create()
    {
        var points = new Option<string>("--points") { Description = "Curve lengths to measure, comma-separated.", DefaultValueFactory = _ => "1000,10000" };
        var sweeps = new Option<string>("--trials") { Description = "Sweep sizes whose trial lists to measure, comma-separated.", DefaultValueFactory = _ => "100,300" };
        var perReport = new Option<int>("--per-report") { Description = "Points in each report (a worker's log and eval lines between two sends).", DefaultValueFactory = _ => 20 };
        var json = BenchMeasurements.JsonOption();
        var command = new Command("storage", "Measure the bytes a trial's curve, and a sweep's trial list, cost in storage as they grow: appended in chunks or pages against rewritten.")
        {
            points, perReport, sweeps, json,
        };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var lengths = Lengths(result.GetValue(points)!, "--points", PayloadLimits.MaxTimelinePoints);
            var sizes = Lengths(result.GetValue(sweeps)!, "--trials", 100_000); // limits.max_trials allows as many
            var batch = result.GetValue(perReport);
            if (batch < 1) throw new EmbedSweepsException("--per-report must be at least 1.");
            var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
            var cluster = result.Hosting().Cluster with { StoragePrefix = prefix };
            var runs = new List<Run>();
            var sweepRuns = new List<SweepRun>();
            try
            {
                await using var session = await ClusterSession.StartAsync(result.Hosting() with { Cluster = cluster }, trainer: false, cancellationToken);
                using var bytes = new BlobBytes();
                foreach (var length in lengths)
                {
                    var appended = await AppendedAsync(session, bytes, length, batch);
                    var rewritten = await RewrittenAsync(session, bytes, length, batch);
                    runs.Add(new Run(length, (length + batch - 1) / batch, appended, rewritten, Math.Round((double)rewritten / appended, 1)));
                    Console.Error.WriteLine($"{length} points: {appended / 1024.0:F0} KiB appended, {rewritten / 1024.0:F0} KiB rewritten");
                }
                foreach (var size in sizes)
                {
                    var (paged, whole) = await BenchSweepStorage.MeasureAsync(session, bytes, size);
                    sweepRuns.Add(new SweepRun(size, 2 * size, paged, whole, Math.Round((double)whole / paged, 1)));
                    Console.Error.WriteLine($"{size} trials: {paged / 1024.0:F0} KiB in pages, {whole / 1024.0:F0} KiB rewritten whole");
                }
            }
            finally
            {
                await DeleteAsync(cluster); // what it wrote is of no use afterwards (hundreds of MB on the rewritten side)
            }
            var text = JsonOutput.Serialize(new
            {
                per_report = batch, chunk_points = TrialTimeline.ChunkSize, runs,
                growth_from_first_to_last = runs.Count < 2 ? null : new
                {
                    points = (double)runs[^1].Points / runs[0].Points,
                    appended_bytes = Math.Round((double)runs[^1].AppendedBytes / runs[0].AppendedBytes, 1),
                    rewritten_bytes = Math.Round((double)runs[^1].RewrittenBytes / runs[0].RewrittenBytes, 1),
                },
                trial_page_size = ExperimentTrialPages.PageSize,
                sweeps = sweepRuns,
                sweep_growth_from_first_to_last = sweepRuns.Count < 2 ? null : new
                {
                    trials = (double)sweepRuns[^1].Trials / sweepRuns[0].Trials,
                    paged_bytes = Math.Round((double)sweepRuns[^1].PagedBytes / sweepRuns[0].PagedBytes, 1),
                    rewritten_bytes = Math.Round((double)sweepRuns[^1].RewrittenBytes / sweepRuns[0].RewrittenBytes, 1),
                },
            });
            BenchMeasurements.Report(text, result.GetValue(json));
            return CommandLine.Success;
        }));
        return command;
    }

    // Every container and table of the benchmark's own storage prefix.
    private static async Task DeleteAsync(EmbedSweepsClusterOptions options)
    {
        var prefix = options.StoragePrefix;
        await foreach (var container in options.Blobs().GetBlobContainersAsync(prefix: prefix))
            await options.Blobs().DeleteBlobContainerAsync(container.Name);
        var tables = options.Tables();
        await foreach (var table in tables.QueryAsync())
            if (table.Name.StartsWith(prefix, StringComparison.Ordinal)) await tables.DeleteTableAsync(table.Name);
    }

    // RewrittenOverAppended: how many times the bytes the old way cost.
    private sealed record Run(int Points, int Reports, long AppendedBytes, long RewrittenBytes, double RewrittenOverAppended)
    {
        public long AppendedBytesPerPoint => AppendedBytes / Points;
        public long RewrittenBytesPerPoint => RewrittenBytes / Points;
    }

    // A sweep's trials changing: each starts and ends (Changes summaries), the trial list stored in pages or whole at each.
    private sealed record SweepRun(int Trials, int Changes, long PagedBytes, long RewrittenBytes, double RewrittenOverPaged);

    private static List<int> Lengths(string text, string option, int most)
    {
        var lengths = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            lengths.Add(int.TryParse(part, out var n) && n is >= 1 && n <= most
                ? n : throw new EmbedSweepsException($"{option} {text}: '{part}' is not a number from 1 to {most}."));
        return lengths.Count > 0 ? lengths : throw new EmbedSweepsException($"{option}: give at least one number, e.g. 100,1000.");
    }

    // A running trial's state as the grain stores it, attempt 1, nothing reported yet.
    private static TrialState Running() => new()
    {
        Created = true, SettingsJson = "{}", Objective = "stsb_validation_spearman_cosine", Status = TrialStatus.Running, Attempt = 1,
        StartedAt = DateTimeOffset.UtcNow, Silo = "bench", Revision = 1,
    };

    // The points of report r: loss at every step, the objective at the last step of each report.
    private static List<MetricPoint> Report(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(step => step == first + count - 1
            ? new MetricPoint(step, "stsb_validation_spearman_cosine", 0.8 + step * 1e-6)
            : new MetricPoint(step, "loss", 2.0 / (1 + step)))];

    private static async Task<long> AppendedAsync(ClusterSession session, BlobBytes bytes, int length, int batch)
    {
        var trial = session.Client.Trial($"append-{length}", "t-0000000000000001");
        var storage = session.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Trials);
        await storage.WriteStateAsync("trial", trial.GetGrainId(), new GrainState<TrialState>(Running()));
        var before = bytes.Sent;
        for (var first = 0; first < length; first += batch)
            if (!await trial.ReportAsync(1, Report(first, Math.Min(batch, length - first))))
                throw new InvalidOperationException("the benchmark's trial refused a report of its current attempt.");
        var sent = bytes.Sent - before;
        var stored = await trial.GetAsync();
        if (stored.Timeline.Count != length) throw new InvalidOperationException($"the trial holds {stored.Timeline.Count} points, not {length}.");
        return sent;
    }

    // What TrialGrain did before: every report stored the trial's state with the whole timeline so far.
    private static async Task<long> RewrittenAsync(ClusterSession session, BlobBytes bytes, int length, int batch)
    {
        var trial = session.Client.Trial($"rewrite-{length}", "t-0000000000000001");
        var storage = session.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Trials);
        var current = Running();
        var state = new GrainState<TrialState>(current);
        var before = bytes.Sent;
        for (var first = 0; first < length; first += batch)
        {
            state.State = current = current with { Timeline = [.. current.Timeline, .. Report(first, Math.Min(batch, length - first))], Revision = current.Revision + 1 };
            await storage.WriteStateAsync("trial", trial.GetGrainId(), state);
        }
        return bytes.Sent - before;
    }
}
