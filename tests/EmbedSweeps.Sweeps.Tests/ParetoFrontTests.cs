using EmbedSweeps.Sweeps.Reports;

namespace EmbedSweeps.Sweeps.Tests;

public sealed class ParetoFrontTests
{
    private static (string, IReadOnlyDictionary<string, double>) Trial(string id, double a, double b) =>
        (id, new Dictionary<string, double> { ["a"] = a, ["b"] = b });

    [Fact]
    public void TheFrontHoldsTheTrialsNoOtherIsAtLeastAsGoodOnEveryMetricAndBetterOnOne()
    {
        var trials = new[]
        {
            Trial("best-a", 0.90, 0.60), Trial("best-b", 0.70, 0.80), Trial("balanced", 0.85, 0.75),
            Trial("dominated", 0.80, 0.70), Trial("tie-of-balanced", 0.85, 0.75), Trial("worst", 0.10, 0.10),
        };
        Assert.Equal(["balanced", "best-a", "best-b", "tie-of-balanced"], ParetoFront.Of(trials, ["a", "b"]).Order());
    }

    [Fact]
    public void TrialsMissingAMetricOrWithNaNTakeNoPart()
    {
        var trials = new (string, IReadOnlyDictionary<string, double>)[]
        {
            Trial("ok", 0.5, 0.5), Trial("nan", double.NaN, 0.9), ("missing", new Dictionary<string, double> { ["a"] = 0.9 }),
        };
        Assert.Equal(["ok"], ParetoFront.Of(trials, ["a", "b"]));
    }

    [Fact]
    public void ReportParetoNamesMetricsTheEvaluationsProduce()
    {
        var sweep = Sweeps.Parse((Sweeps.Minimal + """

            evaluation:
              - { task: stsb, split: validation, dims: [384, 128] }
            report: { pareto: [stsb_validation_dim384_spearman_cosine, stsb_validation_dim128_spearman_cosine] }
            """).Replace("objective: { metric: stsb_validation_spearman_cosine }", "objective: { metric: stsb_validation_dim384_spearman_cosine }"));
        Assert.Equal(["stsb_validation_dim384_spearman_cosine", "stsb_validation_dim128_spearman_cosine"], sweep.Pareto);

        var unknown = Sweeps.Problems(Sweeps.Minimal + "\nreport: { pareto: [stsb_validation_spearman_cosine, stsb_validaton_spearman_cosine] }\n");
        Assert.Contains(unknown, p => p.Message.Contains("metric 'stsb_validaton_spearman_cosine' is not produced") && p.Message.Contains("did you mean"));
        var one = Sweeps.Problems(Sweeps.Minimal + "\nreport: { pareto: [stsb_validation_spearman_cosine] }\n");
        Assert.Contains(one, p => p.Message.Contains("two or more metrics"));
    }
}
