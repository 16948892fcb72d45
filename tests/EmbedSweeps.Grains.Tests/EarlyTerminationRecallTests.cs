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
}
