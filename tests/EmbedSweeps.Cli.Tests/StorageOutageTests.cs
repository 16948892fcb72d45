using EmbedSweeps.Abstractions;
using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Tests;

/// <summary>The storage account goes away for 30 s in the middle of a sweep (its own Azurite, stopped and started on the same data).</summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class StorageOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task ASweepFinishesThroughAThirtySecondStorageOutageWithNoPointLostOrDoubled()
    {
        using var environment = new ClusterEnvironment(azurite, reminderSeconds: 5);
        var sweep = TinySweeps.Write(TestPaths.NewTemporaryDirectory(), "outage-e2e", maxSamples: 160, maxSteps: 40, concurrent: 1,
            training: "checkpoint_steps: 10, eval_steps: 10");
        using var silo = new SiloProcess(environment, "all", slots: 1);
        Assert.Equal(0, environment.Run("sweep", "run", sweep).ExitCode);
        ReliabilityTests.WaitUntil(environment, "outage-e2e", s => ReliabilityTests.Count(s, TrialStatus.Succeeded) >= 1, TimeSpan.FromMinutes(3));

        azurite.Stop();
        await Task.Delay(TimeSpan.FromSeconds(30));
        azurite.Start();

        var final = ReliabilityTests.WaitUntil(environment, "outage-e2e", s => s.GetProperty("status").GetString() == "completed",
            TimeSpan.FromMinutes(5), () => silo.Log);
        Assert.False(silo.HasExited, silo.Log); // the silo rode it out
        Assert.Equal(5, ReliabilityTests.Count(final, TrialStatus.Succeeded));

        // Every curve point once: each trained trial has its loss and evaluation at every 10th step, none twice.
        await using var session = await ClusterSession.StartAsync(environment.Hosting(), trainer: false, CancellationToken.None);
        foreach (var trial in final.GetProperty("trials").EnumerateArray().Where(t => !t.GetProperty("baseline").GetBoolean()))
        {
            var snapshot = await session.Client.GetGrain<ITrialGrain>($"outage-e2e/{trial.GetProperty("trial_id").GetString()}").GetAsync();
            var points = snapshot.Timeline.Select(p => (p.Step, p.Name)).ToList();
            Assert.Equal(points.Count, points.Distinct().Count());
            Assert.Equal([10, 20, 30, 40], snapshot.Timeline.Where(p => p.Name == "stsb_validation_spearman_cosine").Select(p => p.Step).Order());
            Assert.Contains(snapshot.Timeline, p => p.Name == "loss");
        }
    }
}
