using EmbedSweeps.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// A trial's timeline is stored append-only, in chunks beside the trial's state: the state a report rewrites stays under a
/// chunk's size however long the run, and the timeline reads back whole, one value per (step, metric), across attempts.
/// </summary>
[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class TimelineStorageTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    // 100 loss points at steps from..from+99 (value: sign × step) and the objective "m" at the last of them (sign × from).
    private static List<MetricPoint> Report(int from, int sign) =>
        [.. Enumerable.Range(from, 100).Select(s => new MetricPoint(s, "loss", sign * s)), new MetricPoint(from + 99, "m", sign * from)];

    private IServiceProvider Silo => (fixture.Cluster.Primary as InProcessSiloHandle ?? throw new InvalidOperationException("the test cluster runs in process")).SiloHost.Services;

    private IGrainStorage Storage => Silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.Trials);

    private async Task<TrialState> StoredAsync(ITrialGrain trial)
    {
        var stored = new GrainState<TrialState>();
        await Storage.ReadStateAsync("trial", trial.GetGrainId(), stored);
        return stored.State ?? throw new InvalidOperationException("the trial has no stored state");
    }

    // A trial on its first attempt (a held worker: the test reports for it), sent `points` points in reports of 101.
    private async Task<ITrialGrain> RunningTrialAsync(string key, int points)
    {
        var trial = Grains.GetGrain<ITrialGrain>(key);
        await trial.CreateAsync("""{"hold":true}""", "m", "cpu", 1, TimeSpan.FromMinutes(5), maxFailures: 1);
        await trial.StartAsync();
        for (var from = 0; from < points; from += 100) Assert.True(await trial.ReportAsync(1, Report(from, +1)));
        return trial;
    }

    // A failed attempt's worker is gone: the held stand-in of the test runner goes too, so it counts no busy slot.
    private async Task FailAsync(ITrialGrain trial, int attempt, string reason)
    {
        await trial.FailAsync(attempt, reason);
        await Silo.GetRequiredService<ITrialRunner>().StopAsync(trial.GetPrimaryKeyString(), attempt);
    }

    [Fact]
    public async Task ALongTimelineIsStoredInChunksAndReadsBackWholeAcrossAttempts()
    {
        var trial = await RunningTrialAsync("chunks/t-1", points: 1300);

        var stored = await StoredAsync(trial);
        Assert.Equal(2, stored.SealedChunks); // 606 points each: a chunk is sealed once the open one holds 512 or more
        Assert.Equal(101, stored.Timeline.Count);

        // Attempt 1 fails; attempt 2 resumes from a checkpoint at step 1000 and replays steps 1000-1299 with other values.
        await FailAsync(trial, 1, "the worker was lost");
        for (var from = 1000; from < 1300; from += 100) Assert.True(await trial.ReportAsync(2, Report(from, -1)));

        stored = await StoredAsync(trial);
        Assert.Equal(3, stored.SealedChunks); // a new attempt sealed the old one's open chunk
        Assert.Equal(303, stored.Timeline.Count);
        var snapshot = await trial.GetAsync();
        var loss = snapshot.Timeline.Where(p => p.Name == "loss").ToList();
        Assert.Equal(Enumerable.Range(0, 1300), loss.Select(p => p.Step));
        Assert.All(loss, p => Assert.Equal(p.Step >= 1000 ? -p.Step : p.Step, p.Value));
        Assert.Equal(13, snapshot.Timeline.Count(p => p.Name == "m"));
        Assert.Equal(1300 + 13, snapshot.Timeline.Count);
        await trial.CancelAsync();
    }

    [Fact]
    public async Task EarlyTerminationRecallsTheObjectiveSinceTheLastRetryByAUser()
    {
        var trial = await RunningTrialAsync("recall/t-1", points: 700);
        await FailAsync(trial, 1, "the worker was lost"); // retried after a failure: still the same judged run
        Assert.True(await trial.ReportAsync(2, Report(600, -1)));

        var values = await trial.ObjectiveValuesAsync();
        Assert.Equal([99, 199, 299, 399, 499, 599, 699], values.Select(p => p.Step));
        Assert.Equal([0, 100, 200, 300, 400, 500, -600], values.Select(p => p.Value));

        await FailAsync(trial, 2, "the worker was lost again");
        Assert.Equal(TrialStatus.Failed, (await trial.GetAsync()).Status);
        Assert.True(await trial.RetryAsync()); // a user's retry: the experiment judges the new attempt afresh
        Assert.Empty(await trial.ObjectiveValuesAsync());
        await trial.StartAsync();
        Assert.True(await trial.ReportAsync(3, [new MetricPoint(50, "m", 0.5)]));
        Assert.Equal([new MetricPoint(50, "m", 0.5)], await trial.ObjectiveValuesAsync());
        // The curve itself keeps every attempt: steps 99-699 (699 as attempt 2 replayed it) and 50.
        Assert.Equal(8, (await trial.GetAsync()).Timeline.Count(p => p.Name == "m"));
        await trial.CancelAsync();
    }

    [Fact]
    public async Task ATrialStoredBeforeChunksReadsWholeAndCarriesOn()
    {
        // As an earlier version stored a running trial: its whole timeline (two attempts' points) in its state, no chunks.
        var trial = Grains.GetGrain<ITrialGrain>("legacy/t-1");
        var legacy = new TrialState
        {
            Created = true, SettingsJson = """{"hold":true}""", Objective = "m", Device = "cpu", Status = TrialStatus.Running, Attempt = 2, Failures = 1, MaxFailures = 2,
            Timeline = [.. Enumerable.Range(0, 700).Select(s => new MetricPoint(s, "loss", s)), new MetricPoint(699, "m", 0.5)],
            StartedAt = DateTimeOffset.UtcNow, Revision = 9,
        };
        await Storage.WriteStateAsync("trial", trial.GetGrainId(), new GrainState<TrialState>(legacy));
        // Its worker still runs (an upgrade of the silos does not stop trials' workers here).
        await Silo.GetRequiredService<ITrialRunner>().StartAsync(new TrialLaunch("legacy/t-1", "t-1", "legacy", 2, "m", legacy.SettingsJson, "cpu", TimeSpan.FromMinutes(5), 1));

        Assert.Equal(701, (await trial.GetAsync()).Timeline.Count);
        Assert.True(await trial.ReportAsync(2, Report(700, +1))); // 801 open points: sealed into the first chunk
        var stored = await StoredAsync(trial);
        Assert.Equal((1, 0), (stored.SealedChunks, stored.Timeline.Count));
        var snapshot = await trial.GetAsync();
        Assert.Equal(Enumerable.Range(0, 800), snapshot.Timeline.Where(p => p.Name == "loss").Select(p => p.Step));
        Assert.Equal([699, 799], (await trial.ObjectiveValuesAsync()).Select(p => p.Step));
        await trial.CancelAsync();
    }
}

