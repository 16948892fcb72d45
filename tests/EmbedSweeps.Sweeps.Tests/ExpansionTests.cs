using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Sweeps.Tests;

public sealed class ExpansionTests
{
    [Fact]
    public void GridExpansionIsDeterministic()
    {
        var first = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal));
        var second = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal));
        Assert.Equal(8, first.Count);
        Assert.Equal(first.Select(t => t.Id), second.Select(t => t.Id));
        Assert.Equal(8, first.Select(t => t.Id).Distinct().Count());
        // Declaration order, last parameter fastest (like itertools.product).
        Assert.Equal([0L, 100L, 0L, 100L], first.Take(4).Select(t => t.Parameters["warmup_steps"]));
        Assert.Equal("cosine", first[0].Parameters["loss"]);
    }

    [Fact]
    public void ChangingOneValueChangesOnlyTheAffectedTrials()
    {
        var before = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal)).Select(t => t.Id).ToHashSet();
        var after = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal.Replace("5.0e-5", "1.0e-4"))).Select(t => t.Id).ToHashSet();
        Assert.Equal(4, before.Intersect(after).Count());
    }

    [Fact]
    public void SweepWideSettingsArePartOfTheIdentity()
    {
        var a = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal));
        var b = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal + "\ntraining: { max_steps: 10 }\n"));
        Assert.Empty(a.Select(t => t.Id).Intersect(b.Select(t => t.Id)));
        Assert.Equal(10L, b[0].Settings["max_steps"]);
    }

    [Fact]
    public void CheckpointingReachesTheWorkerWithoutChangingTheIdentity()
    {
        var plain = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal));
        var checkpointed = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal + "\ntraining: { checkpoint_steps: 20 }\n"));
        Assert.Equal(plain.Select(t => t.Id), checkpointed.Select(t => t.Id));
        Assert.Equal(20L, checkpointed[0].Settings["checkpoint_steps"]);
    }

    private const string RandomSweep = """
        name: r
        method: random
        seed: 5
        objective: { metric: stsb_validation_spearman_cosine }
        parameters:
          base_model: m
          loss: [cosine, cosent]
          learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0e-4 }
          warmup_ratio: { distribution: uniform, min: 0.0, max: 0.2 }
          epochs: { distribution: int_uniform, min: 1, max: 3 }
        data: { train: stsb }
        limits: { max_trials: MAX }
        """;

    [Fact]
    public void RandomSearchIsSeededAndRaisingMaxTrialsKeepsEarlierTrials()
    {
        var five = SweepExpansion.InitialTrials(Sweeps.Parse(RandomSweep.Replace("MAX", "5")));
        var ten = SweepExpansion.InitialTrials(Sweeps.Parse(RandomSweep.Replace("MAX", "10")));
        Assert.Equal(five.Select(t => t.Id), ten.Take(5).Select(t => t.Id));
        Assert.Equal(10, ten.Select(t => t.Id).Distinct().Count());
    }

    [Fact]
    public void DistributionsStayInTheirBounds()
    {
        foreach (var trial in SweepExpansion.InitialTrials(Sweeps.Parse(RandomSweep.Replace("MAX", "200"))))
        {
            Assert.InRange((double)trial.Parameters["learning_rate"], 1e-6, 1e-4);
            Assert.InRange((double)trial.Parameters["warmup_ratio"], 0.0, 0.2);
            Assert.InRange((long)trial.Parameters["epochs"], 1L, 3L);
        }
    }

    [Fact]
    public void ASmallCategoricalSpaceYieldsEachConfigurationOnce()
    {
        var trials = SweepExpansion.InitialTrials(Sweeps.Parse(Sweeps.Minimal.Replace("name: tiny", "name: tiny\nmethod: random\nlimits: { max_trials: 50 }")));
        Assert.Equal(8, trials.Count);
    }
}
