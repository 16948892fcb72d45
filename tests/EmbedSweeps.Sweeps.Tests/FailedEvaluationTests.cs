using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.EarlyTermination;

namespace EmbedSweeps.Sweeps.Tests;

/// <summary>
/// A NaN objective is a failed evaluation (a collapsed or diverged model has no correlation): it ranks below every
/// number for either goal, is never best, and under an early-termination rule stops its trial at once.
/// </summary>
public sealed class FailedEvaluationTests
{
    private static readonly Objective Maximize = new("m", Goal.Maximize);
    private static readonly Objective Minimize = new("m", Goal.Minimize);

    private static List<MetricReport> Curves(params (string Trial, double[] Values)[] curves) => EarlyTerminationTests.Curves(curves);

    [Theory]
    [InlineData(Goal.Maximize)]
    [InlineData(Goal.Minimize)]
    public void NaNRanksBelowEveryNumber(Goal goal)
    {
        var objective = new Objective("m", goal);
        Assert.True(objective.IsBetter(-1e9, double.NaN));
        Assert.True(objective.IsBetter(1e9, double.NaN));
        Assert.False(objective.IsBetter(double.NaN, 0.5));
        Assert.False(objective.IsBetter(double.NaN, double.NaN));
        var ordered = new[] { double.NaN, 0.2, double.NaN, 0.8 }.Order(objective.BestFirst).ToList();
        Assert.Equal(goal == Goal.Maximize ? [0.8, 0.2] : new[] { 0.2, 0.8 }, ordered.Take(2));
        Assert.All(ordered.Skip(2), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void MedianStoppingStopsATrialWhoseLatestEvaluationFailed()
    {
        var sweep = Sweeps.Parse(Sweeps.Minimal.Replace("method: grid", "") + "\nearly_termination: { type: median_stopping, min_steps: 300, min_trials: 3 }\n");
        var rule = EarlyTerminationRules.For(sweep);
        // Before min_steps and with too few others: a failed evaluation stops all the same.
        Assert.True(rule.ShouldStop("broken", Curves(("broken", [0.5, double.NaN]))));
        // A trial that recovered from an earlier NaN is judged by the rule as usual.
        Assert.False(rule.ShouldStop("ok", Curves(("ok", [double.NaN, 0.5]))));
    }

    [Fact]
    public void MedianStoppingCountsOthersFailedEvaluationsAsTheWorst()
    {
        var rule = new MedianStoppingRule(Maximize, minSteps: 100, minTrials: 3);
        // Others' bests: 0.6, NaN, NaN → the median is NaN, which no trial is worse than.
        var reports = Curves(("a", [0.6]), ("b", [double.NaN]), ("c", [double.NaN]), ("t", [0.1]));
        Assert.False(rule.ShouldStop("t", reports));
        // Others' bests: 0.6, 0.7, NaN → median 0.6; 0.5 is worse.
        Assert.True(rule.ShouldStop("t", Curves(("a", [0.6]), ("b", [0.7]), ("c", [double.NaN]), ("t", [0.5]))));
        // A trial whose every value failed has best NaN and is stopped by a finite median.
        Assert.True(rule.ShouldStop("t", Curves(("a", [0.6]), ("b", [0.7]), ("c", [0.2]), ("t", [double.NaN]))));
    }

    [Fact]
    public void SuccessiveHalvingRanksFailedEvaluationsLast()
    {
        // Rung 0 at step 100, η = 2: of four trials the top two continue; NaN is never among them.
        var reports = Curves(("a", [0.3]), ("b", [double.NaN]), ("c", [0.1]), ("d", [0.2]));
        var rule = new SuccessiveHalvingRule(Minimize, minSteps: 100, reductionFactor: 2);
        Assert.False(rule.ShouldStop("c", reports));
        Assert.False(rule.ShouldStop("d", reports));
        Assert.True(rule.ShouldStop("a", reports));
        Assert.True(rule.ShouldStop("b", reports));
    }
}
