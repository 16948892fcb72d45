using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.EarlyTermination;

namespace EmbedSweeps.Sweeps.Tests;

public sealed class EarlyTerminationTests
{
    private static readonly Objective Maximize = new("m", Goal.Maximize);
    private static readonly Objective Minimize = new("m", Goal.Minimize);

    /// <summary>Reports at steps 100, 200, … for each trial's values (shared with <see cref="FailedEvaluationTests"/>).</summary>
    internal static List<MetricReport> Curves(params (string Trial, double[] Values)[] curves) =>
        curves.SelectMany(c => c.Values.Select((v, i) => new MetricReport(c.Trial, (i + 1) * 100, v))).ToList();

    [Fact]
    public void MedianStoppingStopsATrialBelowTheMedianOfOthers()
    {
        var reports = Curves(("a", [0.5, 0.6]), ("b", [0.55, 0.65]), ("c", [0.6, 0.7]), ("slow", [0.3, 0.35]));
        var rule = new MedianStoppingRule(Maximize, minSteps: 100, minTrials: 3);
        Assert.True(rule.ShouldStop("slow", reports));
        Assert.False(rule.ShouldStop("c", reports));
    }

    [Fact]
    public void MedianStoppingLetsATieContinue()
    {
        var reports = Curves(("a", [0.4]), ("b", [0.5]), ("c", [0.6]), ("tie", [0.5]));
        Assert.False(new MedianStoppingRule(Maximize, 100, 3).ShouldStop("tie", reports));
    }

    [Fact]
    public void MedianStoppingWaitsForMinStepsAndMinTrials()
    {
        var reports = Curves(("a", [0.9, 0.9]), ("b", [0.9, 0.9]), ("slow", [0.1, 0.1]));
        Assert.False(new MedianStoppingRule(Maximize, 100, minTrials: 3).ShouldStop("slow", reports));
        Assert.False(new MedianStoppingRule(Maximize, minSteps: 300, minTrials: 1).ShouldStop("slow", reports));
        Assert.True(new MedianStoppingRule(Maximize, 100, minTrials: 2).ShouldStop("slow", reports));
    }

    [Fact]
    public void MedianStoppingComparesOnlyWhatOthersHadReachedByThatStep()
    {
        // "late" is at step 100; the others' later (better) values must not count against it.
        var reports = Curves(("a", [0.5, 0.9]), ("b", [0.5, 0.9]), ("c", [0.5, 0.9]), ("late", [0.55]));
        Assert.False(new MedianStoppingRule(Maximize, 100, 3).ShouldStop("late", reports));
    }

    [Fact]
    public void MedianStoppingMinimisesToo()
    {
        var reports = Curves(("a", [1.0]), ("b", [1.1]), ("c", [1.2]), ("bad", [2.0]));
        Assert.True(new MedianStoppingRule(Minimize, 100, 3).ShouldStop("bad", reports));
    }

    [Fact]
    public void SuccessiveHalvingRungsGrowByTheReductionFactor()
    {
        var rule = new SuccessiveHalvingRule(Maximize, minSteps: 100, reductionFactor: 3);
        Assert.Equal([100L, 300L, 900L], Enumerable.Range(0, 3).Select(rule.Rung));
    }

    [Fact]
    public void SuccessiveHalvingKeepsTheTopThirdAtARung()
    {
        var values = new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 };
        var reports = values.Select((v, i) => new MetricReport($"t{i}", 100, v)).ToList();
        var rule = new SuccessiveHalvingRule(Maximize, 100, 3);
        var continuing = values.Select((_, i) => $"t{i}").Where(t => !rule.ShouldStop(t, reports)).ToList();
        Assert.Equal(["t4", "t5"], continuing);
    }

    [Fact]
    public void SuccessiveHalvingLetsTiesWithTheCutOffContinue()
    {
        var reports = new[] { 0.5, 0.5, 0.5 }.Select((v, i) => new MetricReport($"t{i}", 100, v)).ToList();
        var rule = new SuccessiveHalvingRule(Maximize, 100, 3);
        Assert.All(reports, r => Assert.False(rule.ShouldStop(r.TrialId, reports)));
    }

    [Fact]
    public void ALateTrialIsJudgedAgainstEveryoneAtItsRung()
    {
        // Nine trials passed rung 100 long ago; a late one arrives with a poor value.
        var reports = Enumerable.Range(0, 9).Select(i => new MetricReport($"t{i}", 100, 0.5 + i * 0.01)).ToList();
        reports.AddRange(Enumerable.Range(0, 9).Select(i => new MetricReport($"t{i}", 300, 0.7)));
        reports.Add(new MetricReport("late", 100, 0.4));
        var rule = new SuccessiveHalvingRule(Maximize, 100, 3);
        Assert.True(rule.ShouldStop("late", reports));
        // A good late trial is promoted.
        reports[^1] = new MetricReport("late", 100, 0.6);
        Assert.False(rule.ShouldStop("late", reports));
    }

    [Fact]
    public void BeforeTheFirstRungNothingStops()
    {
        var reports = new List<MetricReport> { new("a", 50, 0.9), new("b", 50, 0.1) };
        Assert.False(new SuccessiveHalvingRule(Maximize, 100, 3).ShouldStop("b", reports));
    }
}
