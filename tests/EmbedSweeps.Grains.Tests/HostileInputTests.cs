using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains.Tests;

/// <summary>Keys that try to leave their blob or row, and payloads too big to store, are refused — and nothing is stored.</summary>
[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class HostileInputTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    [Theory]
    [InlineData("../../other-container/x")]
    [InlineData("s/../../t")]
    [InlineData("s/t/extra")]
    [InlineData("S/T")]
    [InlineData("s/naïve")]
    [InlineData("s/t\u202egnp")]
    [InlineData("s/")]
    public async Task ATrialKeyOutsideTheSweepTrialFormIsRefused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<ITrialGrain>(key).CreateAsync("{}", "m", "cpu", 1, TimeSpan.FromMinutes(1), 0));
        var snapshot = await Grains.GetGrain<ITrialGrain>(key).GetAsync();
        Assert.Equal(0, snapshot.Attempt);
        Assert.Equal("{}", snapshot.SettingsJson); // nothing was stored
        await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<IModelRegistryGrain>("default").PromoteAsync(key, "champion", "test"));
    }

    [Fact]
    public async Task ASweepNameThatIsNotASafeNameIsRefusedBeforeAnythingIsStored()
    {
        var yaml = "name: ../../etc\nobjective: { metric: m }\nparameters: { base_model: m, loss: cosine }\ndata: { train: stsb }\n";
        // Refused by the grain (a name the parser rejects) or already by storage, which will not read such a blob name.
        // Refused either by the grain (ArgumentException) or, first, by storage reading its state (an invalid blob name).
        await Assert.ThrowsAnyAsync<Exception>(() => Grains.GetGrain<IExperimentGrain>("../../etc").SubmitAsync(yaml, "x.yaml"));
        Assert.DoesNotContain("../../etc", await Grains.GetGrain<ISweepIndexGrain>("default").ListAsync());
    }

    [Fact]
    public async Task AnOversizedSweepIsRefused()
    {
        var yaml = "name: huge\nobjective: { metric: m }\nparameters: { base_model: m, loss: cosine }\ndata: { train: stsb }\n# " + new string('x', 300_000) + "\n";
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<IExperimentGrain>("huge").SubmitAsync(yaml, "huge.yaml"));
        Assert.Contains("the file is 300,1", error.Message);
        Assert.Equal(ExperimentStatus.NotSubmitted, (await Grains.GetGrain<IExperimentGrain>("huge").GetAsync()).Status);
    }

    [Fact]
    public async Task OversizedOrMalformedMetricPayloadsAreRefusedAndNotStored()
    {
        var trial = Grains.GetGrain<ITrialGrain>("payload/t-1");
        await trial.CreateAsync("{\"learning_rate\": 1e-5}", "m", "cpu", 1, TimeSpan.FromMinutes(1), 0);
        ScriptedTrialRunner.StepDelay = TimeSpan.FromSeconds(30); // keep the attempt running while we send payloads
        try
        {
            Assert.True(await trial.StartAsync());
            var attempt = (await trial.GetAsync()).Attempt;

            var flood = Enumerable.Range(0, PayloadLimits.MaxPointsPerReport + 1).Select(i => new MetricPoint(i, "loss", 1.0)).ToList();
            await Assert.ThrowsAsync<ArgumentException>(() => trial.ReportAsync(attempt, flood));
            await Assert.ThrowsAsync<ArgumentException>(() => trial.ReportAsync(attempt, [new MetricPoint(1, new string('m', 200), 1.0)]));
            await Assert.ThrowsAsync<ArgumentException>(() => trial.ReportAsync(attempt, [new MetricPoint(1, "../../x", 1.0)]));
            var many = Enumerable.Range(0, PayloadLimits.MaxMetrics + 1).ToDictionary(i => $"m{i}", i => 0.5);
            await Assert.ThrowsAsync<ArgumentException>(() => trial.CompleteAsync(attempt, many, "/out", null));

            var snapshot = await trial.GetAsync();
            Assert.Empty(snapshot.Timeline);
            Assert.Equal(TrialStatus.Running, snapshot.Status);
            await trial.CancelAsync();
        }
        finally
        {
            ScriptedTrialRunner.StepDelay = TimeSpan.FromMilliseconds(50);
        }
    }
}
