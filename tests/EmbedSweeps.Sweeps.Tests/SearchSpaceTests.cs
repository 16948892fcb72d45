using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Sweeps.Tests;

/// <summary>A search ends when its space is spent: bayes over two configurations with max_trials: 6 suggests two, then none.</summary>
public sealed class SearchSpaceTests
{
    private static SweepDefinition Bayes(string parameters, int maxTrials) => Sweeps.Parse($"""
        name: small
        method: bayes
        objective: {"{"} metric: stsb_validation_spearman_cosine {"}"}
        parameters:
          base_model: m
        {parameters}
        data: {"{"} train: stsb {"}"}
        limits: {"{"} max_trials: {maxTrials} {"}"}
        """);

    [Fact]
    public void TheSizeOfASpaceCountsListsAndWholeNumberRanges()
    {
        Assert.Equal(2, SearchSpace.Size(Bayes("  loss: [cosine, cosent]", 6).Parameters));
        Assert.Equal(2 * 4, SearchSpace.Size(Bayes("  loss: [cosine, cosent]\n  warmup_steps: { distribution: int_uniform, min: 0, max: 3 }", 6).Parameters));
        Assert.Null(SearchSpace.Size(Bayes("  loss: cosine\n  learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0e-4 }", 6).Parameters));
        Assert.Equal(2, SearchSpace.Budget(Bayes("  loss: [cosine, cosent]", 6)));
        Assert.Equal(6, SearchSpace.Budget(Bayes("  loss: cosine\n  warmup_steps: { distribution: int_uniform, min: 0, max: 100 }", 6)));
    }

    [Fact]
    public void TpeStopsSuggestingWhenEveryConfigurationIsTaken()
    {
        var sweep = Bayes("  loss: [cosine, cosent]", 6);
        var tpe = new TreeParzenEstimator(sweep, startupTrials: 1);
        var finished = new List<Observation>();
        for (var i = 0; i < 2; i++)
        {
            var trial = tpe.Suggest(i, finished, []);
            Assert.NotNull(trial);
            Assert.DoesNotContain(finished, f => f.Trial.Id == trial.Id);
            finished.Add(new Observation(trial, 0.5 + i));
        }
        Assert.Null(tpe.Suggest(2, finished, []));
        // A running trial counts as taken too.
        Assert.Null(tpe.Suggest(2, finished.Take(1).ToList(), [finished[1].Trial]));
    }

    [Fact]
    public void TpeFillsAWholeNumberSpaceWithoutRepeatsAndThenStops()
    {
        var sweep = Bayes("  loss: [cosine, cosent]\n  warmup_steps: { distribution: int_uniform, min: 0, max: 2 }", 50);
        var tpe = new TreeParzenEstimator(sweep, startupTrials: 2);
        var finished = new List<Observation>();
        for (var i = 0; ; i++)
        {
            var trial = tpe.Suggest(i, finished, []);
            if (trial is null) break;
            finished.Add(new Observation(trial, (long)trial.Parameters["warmup_steps"]));
        }
        Assert.Equal(6, finished.Count);
        Assert.Equal(6, finished.Select(f => f.Trial.Id).Distinct().Count());
    }
}
