using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains.Tests;

/// <summary>The experiment keeps each trial's summary, so the leaderboard needs no call to any trial.</summary>
[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class LeaderboardReadModelTests(ClusterFixture fixture)
{
    [Fact]
    public async Task TheExperimentsSnapshotAloneGivesEachTrialsMetricsAttemptsSiloAndModel()
    {
        var grains = fixture.Cluster.GrainFactory;
        var snapshot = await ExperimentGrainTests.RunAsync(grains, "read-model", ExperimentGrainTests.Sweep("read-model"));
        snapshot = await WaitForSummariesAsync(grains, "read-model");

        var rows = Leaderboard.Rank(snapshot);

        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
        {
            var trial = await grains.GetGrain<ITrialGrain>($"read-model/{row.TrialId}").GetAsync();
            Assert.Equal(trial.FinalMetrics, row.Metrics);
            Assert.Equal(trial.Attempt, row.Attempts);
            Assert.Equal(trial.Silo, row.Silo);
            Assert.Equal(trial.ModelUri ?? trial.OutputPath, row.Model);
            Assert.NotNull(row.DurationSeconds);
        }
        Assert.Equal(snapshot.BestTrialId, rows.Single(r => r.Rank == 1).TrialId);
    }

    [Fact]
    public async Task AnOlderSummaryNeverReplacesANewerOne()
    {
        var grains = fixture.Cluster.GrainFactory;
        await ExperimentGrainTests.RunAsync(grains, "read-model-order", ExperimentGrainTests.Sweep("read-model-order"));
        var snapshot = await WaitForSummariesAsync(grains, "read-model-order");
        var trial = snapshot.Trials.First(t => !t.Baseline);
        var stale = trial.Summary! with { Revision = 1, Status = TrialStatus.Running, FinalMetrics = new Dictionary<string, double>() };

        await grains.GetGrain<IExperimentGrain>("read-model-order").TrialChangedAsync(trial.TrialId, stale);
        var after = await grains.GetGrain<IExperimentGrain>("read-model-order").GetAsync();

        var kept = after.Trials.Single(t => t.TrialId == trial.TrialId).Summary!;
        Assert.Equal(trial.Summary.Revision, kept.Revision);
        Assert.Equal(TrialStatus.Succeeded, kept.Status);
        Assert.Equal(trial.Summary.FinalMetrics, kept.FinalMetrics);
    }

    [Fact]
    public async Task TheExperimentMarksReportParetosFrontOnItsRows()
    {
        // The scripted runner's two metrics are equal: the front is the trials with the highest value (5e-5, both losses).
        var grains = fixture.Cluster.GrainFactory;
        var yaml = ExperimentGrainTests.Sweep("read-model-pareto", "report: { pareto: [stsb_validation_spearman_cosine, stsb_validation_spearman_dot] }");
        await ExperimentGrainTests.RunAsync(grains, "read-model-pareto", yaml);
        var snapshot = await WaitForSummariesAsync(grains, "read-model-pareto");

        var rows = Leaderboard.Rank(snapshot);

        var front = rows.Where(r => r.OnParetoFront == true).ToList();
        Assert.Equal(2, front.Count);
        Assert.All(front, r => Assert.Equal("5e-05", r.Settings["learning_rate"]));
        Assert.All(rows.Where(r => r.Baseline), r => Assert.False(r.OnParetoFront));
        Assert.Equal(front.Select(r => r.TrialId).Order(StringComparer.Ordinal), snapshot.ParetoFront);
    }

    // Summaries travel one way (the trial does not wait for the experiment): wait until every ended trial's has come.
    private static async Task<ExperimentSnapshot> WaitForSummariesAsync(IGrainFactory grains, string name)
    {
        for (var i = 0; i < 100; i++)
        {
            var snapshot = await grains.GetGrain<IExperimentGrain>(name).GetAsync();
            if (snapshot.Trials.All(t => t.Summary is { } s && s.Status == t.Status)) return snapshot;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{name}: not every trial's summary arrived within 5 s");
    }
}
