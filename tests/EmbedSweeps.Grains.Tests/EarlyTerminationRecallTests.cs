using System.Diagnostics;
using EmbedSweeps.Abstractions;
using Orleans.Core.Internal;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// The experiment keeps the objective's intermediate values in memory only; an activation that needs them reads them back
/// from its trials, so early termination judges as before the experiment left memory.
/// </summary>
[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class EarlyTerminationRecallTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AnExperimentActivatedAgainJudgesNewValuesAgainstItsTrialsEarlierOnes()
    {
        var grains = fixture.Cluster.GrainFactory;
        const string name = "recall-halving";
        var finished = await ExperimentGrainTests.RunAsync(grains, name, ExperimentGrainTests.Sweep(name,
            "early_termination: { type: successive_halving, min_steps: 100, reduction_factor: 2 }", "{ max_trials: 10, max_concurrent_trials: 4 }"));
        Assert.Equal(ExperimentStatus.Completed, finished.Status);
        var experiment = grains.GetGrain<IExperimentGrain>(name);

        // The experiment leaves memory, as when its silo restarts or it sits idle.
        await experiment.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var management = grains.GetGrain<IManagementGrain>(0);
        var id = experiment.GetGrainId();
        var clock = Stopwatch.StartNew();
        while ((await management.GetActiveGrains(id.Type)).Contains(id) && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        Assert.DoesNotContain(id, await management.GetActiveGrains(id.Type));

        // A newcomer far below the four trials at the first rung (step 100) is stopped — only if their values came back:
        // alone at the rung, it would be its own best half.
        Assert.True(await experiment.ReportMetricAsync("t-00000000000000ff", 100, -1.0));
        Assert.False(await experiment.ReportMetricAsync("t-00000000000000fe", 100, 99.0));
    }

    [Fact]
    public async Task ValuesAnEarlierVersionStoredInTheExperimentAreWhatItJudgesBy()
    {
        // As an earlier version stored a running sweep: the objective's values in the experiment's own state. Its trials'
        // timelines are empty here, so only the stored values can put the newcomer below the rung's best half.
        const string name = "legacy-reports";
        var grains = fixture.Cluster.GrainFactory;
        var silo = (fixture.Cluster.Primary as Orleans.TestingHost.InProcessSiloHandle)!.SiloHost.Services;
        var storage = Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(silo, StorageNames.Experiments);
        var trials = Enumerable.Range(1, 4).Select(i => new ExperimentTrial($"t-{i:x16}", TrialStatus.Succeeded, "{}", 0.5, "{}")).ToList();
        var legacy = new ExperimentState
        {
            Yaml = ExperimentGrainTests.Sweep(name, "early_termination: { type: successive_halving, min_steps: 100, reduction_factor: 2 }"),
            FileName = name + ".yaml", Status = ExperimentStatus.Completed, Trials = trials,
            Reports = [.. trials.Select(t => new ReportRecord(t.TrialId, 100, 0.5))],
        };
        var experiment = grains.GetGrain<IExperimentGrain>(name);
        await storage.WriteStateAsync("experiment", experiment.GetGrainId(), new GrainState<ExperimentState>(legacy));

        Assert.True(await experiment.ReportMetricAsync("t-00000000000000ff", 100, 0.1));

        // Read into memory, they leave the stored state at its next write (here: a trial's new summary).
        await experiment.TrialChangedAsync(trials[0].TrialId, new TrialSummary(1, TrialStatus.Succeeded, 1, new Dictionary<string, double>(), null, "test", null, null, null));
        var stored = new GrainState<ExperimentState>();
        var page = new GrainState<TrialPage>();
        var clock = Stopwatch.StartNew();
        do
        {
            await Task.Delay(100);
            await storage.ReadStateAsync("experiment", experiment.GetGrainId(), stored);
            if (stored.State?.TrialPageVersions is [var version])
                await storage.ReadStateAsync(ExperimentTrialPages.StateName(0, version), experiment.GetGrainId(), page);
        } while (page.State?.Trials[0].Summary?.Silo != "test" && clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Null(stored.State!.Reports);
        // And its trials, stored in the state itself by that version, moved to a page of their own (named by the state).
        Assert.Empty(stored.State.Trials);
        Assert.Equal(trials.Select(t => t.TrialId), page.State!.Trials.Select(t => t.TrialId));
        Assert.Equal("test", page.State.Trials[0].Summary!.Silo);
    }
}

