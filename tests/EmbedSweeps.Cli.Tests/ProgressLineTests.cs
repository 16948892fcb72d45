using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Commands;

namespace EmbedSweeps.Cli.Tests;

/// <summary>What `sweep run` prints for each running trial.</summary>
public sealed class ProgressLineTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void ATrainingTrialShowsStepLossBestAndEta()
    {
        var line = ClusterCommands.ProgressLine(new TrialProgress("t-1", 60, 120, 0.5, 0.86, Minute, Minute), baseline: false);

        Assert.Equal("t-1  step 60/120  loss 0.5000  best 0.8600  00:01:00  ETA 00:01:00", line);
    }

    [Fact]
    public void ATrialPastItsLastStepSaysItIsInItsFinalEvaluation()
    {
        var line = ClusterCommands.ProgressLine(new TrialProgress("t-1", 120, 120, 0.4, null, 2 * Minute, TimeSpan.Zero), baseline: false);

        Assert.Equal("t-1  step 120/120  final evaluation  loss 0.4000  00:02:00", line);
    }

    [Fact]
    public void ABaselineSaysItEvaluatesTheUntrainedModelInsteadOfStepZero()
    {
        var line = ClusterCommands.ProgressLine(new TrialProgress("baseline-m", 0, null, null, null, Minute, null), baseline: true);

        Assert.Equal("baseline-m  evaluating the untrained base model  00:01:00", line);
    }
}
