using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Sweeps.Tests;

/// <summary>
/// A drawn value always obeys its setting's own range: int_uniform bounds are whole numbers within the range
/// (epochs 1.5..3.5 drew 1 and 4, warmup_steps -0.5..4 drew -1), for random and bayes alike.
/// </summary>
public sealed class DistributionBoundsTests
{
    private const string Head = "name: b\nmethod: random\nobjective: { metric: stsb_validation_spearman_cosine }\ndata: { train: stsb }\nparameters:\n  base_model: m\n  loss: cosine\n";

    [Fact]
    public void FractionalIntUniformBoundsAreRefusedWhereTheyAre()
    {
        var problems = Sweeps.Problems(Head + "  epochs: { distribution: int_uniform, min: 1.5, max: 3.5 }\n");
        Assert.Equal(2, problems.Count);
        Assert.Equal((8, 45), (problems[0].Line, problems[0].Column));
        Assert.Contains("epochs.min 1.5: int_uniform bounds are whole numbers", problems[0].Message);
        Assert.Contains("epochs.max 3.5", problems[1].Message);
    }

    [Fact]
    public void BoundsOutsideTheSettingsRangeAreRefused()
    {
        var fractional = Assert.Single(Sweeps.Problems(Head + "  warmup_steps: { distribution: int_uniform, min: -0.5, max: 4 }\n"));
        Assert.Contains("warmup_steps.min -0.5", fractional.Message);
        var negative = Assert.Single(Sweeps.Problems(Head + "  warmup_steps: { distribution: int_uniform, min: -1, max: 4 }\n"));
        Assert.Contains("warmup_steps -1 is out of range (≥ 0)", negative.Message);
        var rate = Assert.Single(Sweeps.Problems(Head + "  learning_rate: { distribution: uniform, min: 0, max: 1.0e-4 }\n"));
        Assert.Contains("learning_rate 0 is out of range", rate.Message);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("bayes")]
    public void EveryDrawnValueObeysItsSettingsRange(string method)
    {
        var sweep = Sweeps.Parse(Head.Replace("method: random", $"method: {method}") + """
              warmup_steps: { distribution: int_uniform, min: 0, max: 4 }
              epochs: { distribution: int_uniform, min: 1, max: 3 }
              learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0 }
              weight_decay: { distribution: uniform, min: 0, max: 1 }
            limits: { max_trials: 60 }
            """);
        var trials = method == "random" ? RandomSearch.Expand(sweep) : Suggestions(sweep, 60);
        Assert.True(trials.Count >= 40, $"{trials.Count} trials");
        foreach (var trial in trials)
            foreach (var (name, value) in trial.Parameters)
            {
                var setting = TrialSettings.ByName[name];
                Assert.Null(setting.Check(value));
                if (setting.Type == TrialSettings.ValueType.Integer) Assert.IsType<long>(value);
            }
        Assert.Contains(trials, t => (long)t.Parameters["warmup_steps"] == 0);
        Assert.Contains(trials, t => (long)t.Parameters["warmup_steps"] == 4);
    }

    private static List<TrialConfig> Suggestions(SweepDefinition sweep, int count)
    {
        var tpe = new TreeParzenEstimator(sweep, startupTrials: 10);
        var finished = new List<Observation>();
        for (var i = 0; i < count; i++)
        {
            var trial = tpe.Suggest(i, finished, []);
            if (trial is null) break;
            finished.Add(new Observation(trial, -(long)trial.Parameters["warmup_steps"] + (long)trial.Parameters["epochs"]));
        }
        return finished.Select(f => f.Trial).ToList();
    }
}
