using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Sweeps.Tests;

/// <summary>
/// A parameter with <c>when</c> applies only to the trials whose other parameters match; elsewhere it is absent, from
/// the trial and from its id, so no two trials differ only in a value their loss never reads.
/// </summary>
public sealed class ConditionalParameterTests
{
    private static string Sweep(string method, string scale, string extra = "") => $"""
        name: cond
        method: {method}
        objective: {"{"} metric: stsb_validation_spearman_cosine {"}"}
        parameters:
          base_model: m
          loss: [cosine, cosent]
          learning_rate: [2.0e-5, 5.0e-5]
          scale: {scale}
        data: {"{"} train: stsb {"}"}
        limits: {"{"} max_trials: 40 {"}"}
        {extra}
        """;

    private static void AssertScaleOnlyWithCosent(IEnumerable<TrialConfig> trials)
    {
        foreach (var trial in trials)
            Assert.Equal((string)trial.Parameters["loss"] == "cosent", trial.Parameters.ContainsKey("scale"));
    }

    [Fact]
    public void TheIssuesExampleGivesEightTrials()
    {
        var sweep = Sweeps.Parse(Sweep("grid", "{ values: [10, 20, 40], when: { loss: [cosent] } }"));
        var trials = SweepExpansion.InitialTrials(sweep);
        Assert.Equal(8, trials.Count); // cosine × 2 rates + cosent × 2 rates × 3 scales
        Assert.Equal(8, trials.Select(t => t.Id).Distinct().Count());
        AssertScaleOnlyWithCosent(trials);
        Assert.Equal(8, SearchSpace.Size(sweep.Parameters));
        Assert.DoesNotContain("scale", trials.First(t => (string)t.Parameters["loss"] == "cosine").Settings.Keys);
        Assert.Empty(sweep.Warnings);
    }

    [Fact]
    public void RandomAndBayesDrawAConditionalParameterOnlyWhereItsConditionHolds()
    {
        var sweep = Sweeps.Parse(Sweep("random", "{ distribution: uniform, min: 10, max: 40, when: { loss: cosent } }"));
        var random = RandomSearch.Expand(sweep);
        Assert.Equal(40, random.Count);
        AssertScaleOnlyWithCosent(random);
        // Cosine has only two configurations; random draws never repeat one.
        Assert.Equal(2, random.Count(t => (string)t.Parameters["loss"] == "cosine"));

        var bayes = Sweeps.Parse(Sweep("bayes", "{ distribution: uniform, min: 10, max: 40, when: { loss: cosent } }"));
        var tpe = new TreeParzenEstimator(bayes, startupTrials: 5);
        var finished = new List<Observation>();
        for (var i = 0; i < 25; i++)
        {
            var trial = tpe.Suggest(i, finished, [])!;
            finished.Add(new Observation(trial, trial.Parameters.TryGetValue("scale", out var scale) ? -Math.Abs((double)scale - 30) : -50));
        }
        AssertScaleOnlyWithCosent(finished.Select(f => f.Trial));
        Assert.Equal(25, finished.Select(f => f.Trial.Id).Distinct().Count());
    }

    [Fact]
    public void ABayesSearchOverAConditionalSpaceEndsWhenItIsSpent()
    {
        var sweep = Sweeps.Parse(Sweep("bayes", "{ values: [10, 20, 40], when: { loss: [cosent] } }"));
        Assert.Equal(8, SearchSpace.Budget(sweep));
        var tpe = new TreeParzenEstimator(sweep, startupTrials: 3);
        var finished = new List<Observation>();
        for (var i = 0; tpe.Suggest(i, finished, []) is { } trial; i++) finished.Add(new Observation(trial, i));
        Assert.Equal(8, finished.Count);
    }

    [Theory]
    [InlineData("{ values: [10, 20], when: { los: [cosent] } }", "names 'los', which this sweep does not set; did you mean 'loss'?")]
    [InlineData("{ values: [10, 20], when: { loss: [mnrl] } }", "loss 'mnrl' is not one of this sweep's values for loss (cosine, cosent)")]
    [InlineData("{ values: [10, 20], when: { loss: [cosnet] } }", "loss 'cosnet' is not valid; did you mean 'cosent'?")]
    [InlineData("{ values: [10, 20], when: { scale: [10] } }", "cannot name scale itself")]
    [InlineData("{ values: [10, 20], when: {} }", "scale.when is empty")]
    [InlineData("{ values: [10, 20], when: [cosent] }", "scale.when must be a mapping")]
    [InlineData("{ values: [10, 20], distribution: uniform, min: 1, max: 2 }", "give one of values: [a, b], value: a, or distribution")]
    [InlineData("{ valeus: [10, 20], when: { loss: [cosent] } }", "unknown key 'valeus' in scale; did you mean 'values'?")]
    [InlineData("{ values: 10, when: { loss: [cosent] } }", "scale.values must be a list")]
    public void AConditionIsValidatedStrictly(string scale, string message)
    {
        var problems = Sweeps.Problems(Sweep("grid", scale));
        Assert.Contains(problems, p => p.Message.Contains(message));
        Assert.All(problems, p => Assert.Equal(8, p.Line));
    }

    [Fact]
    public void TheModelAndTheLossCannotBeConditional()
    {
        var problems = Sweeps.Problems(Sweep("grid", "[10]").Replace("  base_model: m", "  base_model: { value: m, when: { learning_rate: [2.0e-5] } }"));
        Assert.Contains(problems, p => p.Message.Contains("base_model cannot have a when: every trial needs one"));
    }

    [Fact]
    public void AConditionMayNotNameADistributionOrAnotherConditionalParameter()
    {
        var onDistribution = Sweeps.Problems(Sweep("random", "{ values: [10, 20], when: { learning_rate: [2.0e-5] } }")
            .Replace("learning_rate: [2.0e-5, 5.0e-5]", "learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0e-4 }"));
        Assert.Contains(onDistribution, p => p.Message.Contains("learning_rate is a distribution"));
        var chained = Sweeps.Problems(Sweep("grid", "{ values: [10, 20], when: { loss: [cosent] } }",
            "").Replace("  scale:", "  mini_batch_size: { values: [8, 16], when: { scale: [10] } }\n  scale:"));
        Assert.Contains(chained, p => p.Message.Contains("scale is conditional"));
    }

    [Fact]
    public void ASweptSettingSomeLossesIgnoreIsAWarningThatSaysHowToFixIt()
    {
        var sweep = Sweeps.Parse(Sweep("grid", "[10, 20, 40]"));
        var warning = Assert.Single(sweep.Warnings);
        Assert.Equal((8, 3), (warning.Line, warning.Column));
        Assert.Contains("with loss cosine its values train the same model — add when: { loss: [cosent] }", warning.Message);
        Assert.Equal(2 * 2 * 3, SweepExpansion.InitialTrials(sweep).Count); // still valid: a warning, not an error
    }
}
