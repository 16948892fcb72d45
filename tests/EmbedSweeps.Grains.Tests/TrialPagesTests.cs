using System.Diagnostics;
using EmbedSweeps.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// The experiment's trials are stored in pages beside its state (<see cref="ExperimentTrialPages"/>): a trial's change writes
/// a new version of its own page only, the state names the versions that are the sweep's, and an experiment activated again
/// reads every page back.
/// </summary>
[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class TrialPagesTests(ClusterFixture fixture)
{
    private IGrainStorage Storage => (fixture.Cluster.Primary as Orleans.TestingHost.InProcessSiloHandle)!.SiloHost.Services
        .GetRequiredKeyedService<IGrainStorage>(StorageNames.Experiments);

    private async Task<GrainState<T>> ReadAsync<T>(string stateName, GrainId grain)
    {
        var stored = new GrainState<T>();
        await Storage.ReadStateAsync(stateName, grain, stored);
        return stored;
    }

    [Fact]
    public async Task ATrialsChangeWritesANewVersionOfItsPageAloneAndEveryPageReadsBack()
    {
        // 20 learning rates × 2 losses and the baseline: 41 trials, two pages (32 and 9).
        const string name = "paged";
        var rates = string.Join(", ", Enumerable.Range(1, 20).Select(i => $"{i}.0e-6"));
        var yaml = ExperimentGrainTests.Sweep(name, limits: "{ max_trials: 100, max_concurrent_trials: 4 }").Replace("[2.0e-5, 5.0e-5]", $"[{rates}]");
        var grains = fixture.Cluster.GrainFactory;
        var finished = await ExperimentGrainTests.RunAsync(grains, name, yaml);
        Assert.Equal(41, finished.Trials.Count);
        var experiment = grains.GetGrain<IExperimentGrain>(name);
        var id = experiment.GetGrainId();

        var state = (await ReadAsync<ExperimentState>("experiment", id)).State!;
        Assert.Empty(state.Trials);
        Assert.Equal(2, state.TrialPageVersions.Count);
        var (firstName, secondName) = (ExperimentTrialPages.StateName(0, state.TrialPageVersions[0]), ExperimentTrialPages.StateName(1, state.TrialPageVersions[1]));
        var (first, second) = (await ReadAsync<TrialPage>(firstName, id), await ReadAsync<TrialPage>(secondName, id));
        Assert.Equal([32, 9], new[] { first.State!.Trials.Count, second.State!.Trials.Count });
        Assert.Equal(finished.Trials.Select(t => t.TrialId), first.State.Trials.Concat(second.State.Trials).Select(t => t.TrialId));

        // A new summary of the last trial (sent one-way, as trials send them): the state names a new version of its page.
        var last = finished.Trials[^1];
        await experiment.TrialChangedAsync(last.TrialId, last.Summary! with { Revision = last.Summary!.Revision + 1, Silo = "elsewhere" });
        async Task<string?> StoredSiloOfLastAsync()
        {
            var versions = (await ReadAsync<ExperimentState>("experiment", id)).State!.TrialPageVersions;
            return (await ReadAsync<TrialPage>(ExperimentTrialPages.StateName(1, versions[1]), id)).State?.Trials[^1].Summary?.Silo;
        }
        var clock = Stopwatch.StartNew();
        while (await StoredSiloOfLastAsync() != "elsewhere" && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.Equal("elsewhere", await StoredSiloOfLastAsync());
        var after = (await ReadAsync<ExperimentState>("experiment", id)).State!;
        Assert.Equal([state.TrialPageVersions[0], state.TrialPageVersions[1] + 1], after.TrialPageVersions);
        // The first page was not written again.
        Assert.Equal(first.ETag, (await ReadAsync<TrialPage>(firstName, id)).ETag);

        // The experiment leaves memory and comes back: every trial, with its summary, from the pages the state names.
        await experiment.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var management = grains.GetGrain<IManagementGrain>(0);
        clock.Restart();
        while ((await management.GetActiveGrains(id.Type)).Contains(id) && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        Assert.DoesNotContain(id, await management.GetActiveGrains(id.Type));
        var again = await experiment.GetAsync();
        Assert.Equal(finished.Trials.Select(t => (t.TrialId, t.Status, t.Objective)), again.Trials.Select(t => (t.TrialId, t.Status, t.Objective)));
        Assert.Equal("elsewhere", again.Trials[^1].Summary!.Silo);
        Assert.All(again.Trials, t => Assert.NotNull(t.Summary));
    }
}
