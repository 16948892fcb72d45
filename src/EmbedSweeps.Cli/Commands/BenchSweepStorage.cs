using EmbedSweeps.Abstractions;
using EmbedSweeps.Grains;
using EmbedSweeps.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// What the experiment's trial list costs in storage over a sweep, for <c>bench storage</c>: N trials each start and end (two
/// summaries each, as trials send them) through a real experiment grain, which stores its trials in pages; beside it, the
/// same changes stored as experiments stored them before pages, the whole trial list at every change, through the same provider.
/// </summary>
internal static class BenchSweepStorage
{
    /// <summary>Bytes sent to blob storage by the paged experiment, and by the whole-list rewrite, for <paramref name="count"/> trials.</summary>
    public static async Task<(long Paged, long Rewritten)> MeasureAsync(ClusterSession session, BlobBytes bytes, int count)
    {
        var storage = session.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Experiments);
        var trials = Enumerable.Range(0, count).Select(i => new ExperimentTrial($"t-{i:x16}", TrialStatus.Pending, Settings(i), null, Settings(i))
        {
            Summary = Summary(1, TrialStatus.Pending, null),
        }).ToList();
        var changes = trials.SelectMany(t => new[]
        {
            (t.TrialId, Summary: Summary(2, TrialStatus.Running, null)),
            (t.TrialId, Summary: Summary(3, TrialStatus.Succeeded, Metrics(t.TrialId))),
        }).ToList();

        // Paged: a finished sweep's state seeded as the grain stores it, then the changes through the grain itself.
        var experiment = session.Client.GetGrain<IExperimentGrain>($"paged-{count}");
        await ExperimentTrialPages.SeedAsync(storage, experiment.GetGrainId(), new ExperimentState { Status = ExperimentStatus.Completed, Trials = trials });
        await experiment.GetAsync(); // activated: reading it back is not part of the changes' cost
        var before = bytes.Sent;
        foreach (var (trialId, summary) in changes) await experiment.TrialChangedAsync(trialId, summary);
        // Trials send these one-way: wait until the experiment has applied (and stored) the last of them.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await experiment.GetAsync()).Trials.Count(t => t.Summary?.Revision == 3) < count)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new InvalidOperationException("the benchmark's experiment did not apply every summary within 10 minutes.");
            await Task.Delay(200);
        }
        var paged = bytes.Sent - before;

        // Before pages: the experiment's whole state, every trial in it, written at each change.
        var grain = session.Client.GetGrain<IExperimentGrain>($"whole-{count}").GetGrainId();
        var current = new ExperimentState { Status = ExperimentStatus.Completed, Trials = trials };
        var state = new GrainState<ExperimentState>(current);
        before = bytes.Sent;
        foreach (var (trialId, summary) in changes)
        {
            state.State = current = current with { Trials = [.. current.Trials.Select(t => t.TrialId == trialId ? t with { Summary = summary } : t)] };
            await storage.WriteStateAsync("experiment", grain, state);
        }
        return (paged, bytes.Sent - before);
    }

    // A trial's settings as a sweep of a few parameters has them.
    private static string Settings(int i) =>
        $$"""{"base_model":"sentence-transformers/all-MiniLM-L6-v2","batch_size":32,"learning_rate":{{((i + 1) * 1e-7).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}},"loss":"mnrl","warmup_ratio":0.1}""";

    private static TrialSummary Summary(long revision, TrialStatus status, IReadOnlyDictionary<string, double>? metrics) =>
        new(revision, status, 1, metrics ?? new Dictionary<string, double>(), null, "bench", DateTimeOffset.UtcNow, status.IsFinal() ? DateTimeOffset.UtcNow : null,
            status == TrialStatus.Succeeded ? "/data/embedsweeps/trials/sweep/model" : null);

    // The final metrics a trial evaluated on STS-B and Banking77 reports (names as the evaluators emit them).
    private static Dictionary<string, double> Metrics(string trialId) => new[]
    {
        "stsb_validation_spearman_cosine", "stsb_validation_pearson_cosine", "stsb_validation_spearman_dot", "stsb_validation_pearson_dot",
        "stsb_test_spearman_cosine", "stsb_test_pearson_cosine", "banking77_accuracy", "banking77_f1", "loss", "train_seconds",
    }.Select((name, i) => (name, value: 0.5 + (trialId.GetHashCode() & 0xff) / 1e4 + i / 100.0)).ToDictionary(m => m.name, m => m.value);
}
