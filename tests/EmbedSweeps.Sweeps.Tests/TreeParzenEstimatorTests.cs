using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Sweeps.Tests;

public sealed class TreeParzenEstimatorTests
{
    private static readonly SweepDefinition Sweep = Sweeps.Parse("""
        name: b
        method: bayes
        seed: 11
        objective: { metric: stsb_validation_spearman_cosine }
        parameters:
          base_model: m
          loss: [cosine, cosent]
          learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0e-2 }
        data: { train: stsb }
        limits: { max_trials: 40 }
        """);

    // A synthetic objective with its optimum at learning_rate = 3e-5 and loss = cosent.
    private static double Objective(TrialConfig trial) =>
        -Math.Pow(Math.Log10((double)trial.Parameters["learning_rate"]) - Math.Log10(3e-5), 2) + ((string)trial.Parameters["loss"] == "cosent" ? 0.3 : 0);

    private static List<Observation> Run(int count, int startup)
    {
        var tpe = new TreeParzenEstimator(Sweep, startup);
        var finished = new List<Observation>();
        for (var i = 0; i < count; i++)
        {
            var trial = tpe.Suggest(i, finished, []);
            finished.Add(new Observation(trial, Objective(trial)));
        }
        return finished;
    }

    [Fact]
    public void TpeFindsBetterConfigurationsThanItsRandomStart()
    {
        var observations = Run(40, startup: 10);
        var randomBest = observations.Take(10).Max(o => o.Value);
        var tpeBest = observations.Skip(10).Max(o => o.Value);
        Assert.True(tpeBest > randomBest, $"TPE best {tpeBest:F3} vs random best {randomBest:F3}");
        Assert.True(tpeBest > 0.2, $"TPE best {tpeBest:F3}: should be near the optimum 0.3");
        Assert.True(observations.Skip(25).Count(o => (string)o.Trial.Parameters["loss"] == "cosent") >= 10, "should prefer the better loss");
    }

    [Fact]
    public void SuggestionsAreDeterministic()
    {
        Assert.Equal(Run(20, 5).Select(o => o.Trial.Id), Run(20, 5).Select(o => o.Trial.Id));
    }

    [Fact]
    public void TheConstantLiarKeepsParallelSuggestionsApart()
    {
        var tpe = new TreeParzenEstimator(Sweep, startupTrials: 5);
        var finished = Run(12, 5);
        var running = new List<TrialConfig>();
        for (var i = 0; i < 8; i++) running.Add(tpe.Suggest(12 + i, finished, running));

        Assert.Equal(8, running.Select(r => r.Id).Distinct().Count());
        Assert.DoesNotContain(running, r => finished.Any(f => f.Trial.Id == r.Id));
        var rates = running.Select(r => Math.Log10((double)r.Parameters["learning_rate"])).Order().ToList();
        Assert.True(rates[^1] - rates[0] > 0.05, "parallel suggestions should not pile onto one point");
    }
}
