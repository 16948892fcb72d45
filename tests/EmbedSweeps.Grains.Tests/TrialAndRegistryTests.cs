using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains.Tests;

[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class TrialAndRegistryTests(ClusterFixture fixture)
{
    private async Task<ITrialGrain> SucceededTrialAsync(string key)
    {
        var trial = fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>(key);
        await trial.CreateAsync("""{"learning_rate":2e-05}""", "stsb_validation_spearman_cosine", "cpu", 1, TimeSpan.FromMinutes(5), 0);
        await trial.StartAsync();
        for (var i = 0; i < 100 && (await trial.GetAsync()).Status == TrialStatus.Running; i++) await Task.Delay(50);
        Assert.Equal(TrialStatus.Succeeded, (await trial.GetAsync()).Status); // within 5 s
        return trial;
    }

    [Fact]
    public async Task ProgressFromAStaleAttemptIsRejected()
    {
        var trial = fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>("stale/t-1");
        await trial.CreateAsync("""{"learning_rate":2e-05}""", "m", "cpu", 1, TimeSpan.FromMinutes(5), 0);
        await trial.StartAsync();

        Assert.False(await trial.ReportAsync(attempt: 0, [new MetricPoint(1, "m", 99)]));
        Assert.False(await trial.CompleteAsync(attempt: 7, new Dictionary<string, double> { ["m"] = 99 }, "/x", null));
        Assert.DoesNotContain((await trial.GetAsync()).Timeline, p => p.Value == 99);
    }

    [Fact]
    public async Task ConcurrentPromotionsLeaveExactlyOneChampion()
    {
        var keys = Enumerable.Range(0, 6).Select(i => $"promote/t-{i}").ToList();
        foreach (var key in keys) await SucceededTrialAsync(key);
        var registry = fixture.Cluster.GrainFactory.GetGrain<IModelRegistryGrain>("default");

        await Task.WhenAll(keys.Select(key => registry.PromoteAsync(key, "champion", "tester")));

        var aliases = await registry.AliasesAsync();
        var history = await registry.HistoryAsync();
        Assert.Contains(aliases["champion"].TrialKey, keys);
        Assert.Equal(6, history.Count(p => p.Alias == "champion"));
        Assert.Equal(history.Last(p => p.Alias == "champion").TrialKey, aliases["champion"].TrialKey);
    }

    [Fact]
    public async Task OnlySucceededTrialsCanBePromoted()
    {
        var trial = fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>("promote-pending/t-1");
        await trial.CreateAsync("""{"learning_rate":2e-05}""", "m", "cpu", 1, TimeSpan.FromMinutes(5), 0);
        var registry = fixture.Cluster.GrainFactory.GetGrain<IModelRegistryGrain>("default");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => registry.PromoteAsync("promote-pending/t-1", "champion", "tester"));
        Assert.Contains("only a succeeded trial", error.Message);
    }
}
