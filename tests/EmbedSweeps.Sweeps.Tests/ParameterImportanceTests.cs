using System.Text.Json;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Reports;

namespace EmbedSweeps.Sweeps.Tests;

public sealed class ParameterImportanceTests
{
    // Optuna's PedAnovaImportanceEvaluator on five synthetic sweeps (bench/importance_reference.py wrote the file).
    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(Sweeps.Root, "tests", "EmbedSweeps.Sweeps.Tests", "Data", "importance_reference.json"))).RootElement;

    public static TheoryData<string> Cases() => new(Reference.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void SharesEqualOptunasPedAnova(string name)
    {
        var reference = Reference.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var space = reference.GetProperty("space").EnumerateArray().Select(Space).ToList();
        var trials = reference.GetProperty("trials").EnumerateArray().Select(t => new ImportanceTrial(
            t.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value)), t.GetProperty("objective").GetDouble())).ToList();
        var goal = reference.GetProperty("goal").GetString() == "minimize" ? Goal.Minimize : Goal.Maximize;

        var result = ParameterImportance.Compute(space, trials, goal);

        var expected = reference.GetProperty("importances").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(expected.Keys.Order(), result.Shares.Select(s => s.Parameter).Order());
        foreach (var (parameter, share) in result.Shares) Assert.Equal(expected[parameter], share, 1e-9);
        Assert.Equal(expected.OrderByDescending(e => e.Value).Select(e => e.Key), result.Shares.Select(s => s.Parameter));
        Assert.Equal(trials.Count, result.Trials);
    }

    [Fact]
    public void FewTopTrialsAreWarnedAbout()
    {
        var reference = Reference.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "eight trials");
        var space = reference.GetProperty("space").EnumerateArray().Select(Space).ToList();
        var trials = reference.GetProperty("trials").EnumerateArray().Select(t => new ImportanceTrial(
            t.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value)), t.GetProperty("objective").GetDouble())).ToList();
        var result = ParameterImportance.Compute(space, trials, Goal.Maximize);
        Assert.Equal(1, result.TopTrials);
        Assert.Contains(result.Warnings, w => w.Contains("only 1 trial(s) in the top 10% of 8"));
        Assert.Equal(3, ParameterImportance.Compute(space, trials, Goal.Maximize, targetQuantile: 0.3).TopTrials);
    }

    [Fact]
    public void FailedTrialsTakeNoPartAndFixedParametersAreLeftOut()
    {
        IReadOnlyList<ParameterSpace> space =
        [
            new CategoricalParameter("loss", ["cosine", "mnrl"]), new FixedParameter("base_model", "m"), new CategoricalParameter("batch_size", [32L]),
        ];
        var trials = Enumerable.Range(0, 20).Select(i => new ImportanceTrial(
            new Dictionary<string, object> { ["loss"] = i % 2 == 0 ? "mnrl" : "cosine", ["batch_size"] = 32L }, i % 2 == 0 ? 0.8 + i * 0.001 : 0.7)).ToList();
        var withFailures = trials.Append(new ImportanceTrial(new Dictionary<string, object> { ["loss"] = "cosine", ["batch_size"] = 32L }, double.NaN)).ToList();

        var result = ParameterImportance.Compute(space, withFailures, Goal.Maximize);

        Assert.Equal(["loss"], result.Shares.Select(s => s.Parameter));
        Assert.Equal(1.0, result.Shares[0].Share);
        Assert.Equal(20, result.Trials);
        Assert.Equal(ParameterImportance.Compute(space, trials, Goal.Maximize).Shares, result.Shares);
    }

    [Fact]
    public void TrialsWithValuesTheFileNoLongerHasAreLeftOutWithAWarning()
    {
        // The sweep was resubmitted without softmax and with a narrower learning-rate range.
        IReadOnlyList<ParameterSpace> space = [new CategoricalParameter("loss", ["cosine", "mnrl"]), new DistributionParameter("learning_rate", DistributionKind.LogUniform, 1e-5, 1e-4)];
        var trials = Enumerable.Range(0, 10).Select(i => new ImportanceTrial(
            new Dictionary<string, object> { ["loss"] = i % 2 == 0 ? "mnrl" : "cosine", ["learning_rate"] = 2e-5 + i * 1e-6 }, 0.8 + i * 0.01)).ToList();
        var stale = new[]
        {
            new ImportanceTrial(new Dictionary<string, object> { ["loss"] = "softmax", ["learning_rate"] = 2e-5 }, 0.9),
            new ImportanceTrial(new Dictionary<string, object> { ["loss"] = "mnrl", ["learning_rate"] = 1e-3 }, 0.95),
            new ImportanceTrial(new Dictionary<string, object> { ["loss"] = "mnrl", ["learning_rate"] = "2e-5" }, 0.95),
        };

        var result = ParameterImportance.Compute(space, [.. trials, .. stale], Goal.Maximize);

        Assert.Equal(10, result.Trials);
        Assert.Equal(ParameterImportance.Compute(space, trials, Goal.Maximize).Shares, result.Shares);
        Assert.Contains("3 trial(s) ran with values the sweep file no longer has", result.Warnings[0]);
    }

    [Fact]
    public void OneTrialGivesEqualSharesWithAReason()
    {
        IReadOnlyList<ParameterSpace> space = [new CategoricalParameter("loss", ["cosine", "mnrl"]), new DistributionParameter("learning_rate", DistributionKind.LogUniform, 1e-6, 1e-3)];
        var result = ParameterImportance.Compute(space, [new ImportanceTrial(new Dictionary<string, object> { ["loss"] = "mnrl", ["learning_rate"] = 2e-5 }, 0.8)], Goal.Maximize);
        Assert.All(result.Shares, s => Assert.Equal(0.5, s.Share));
        Assert.Contains(result.Warnings, w => w.Contains("too few"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void TheTargetQuantileLiesStrictlyBetweenZeroAndOne(double quantile) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterImportance.Compute([], [], Goal.Maximize, quantile));

    [Fact]
    public void FarTailsKeepTheirPrecision()
    {
        Assert.Equal(0.6826894921370859, ScottParzenEstimator.GaussMass(-1, 1), 1e-15);
        // scipy.stats.norm.sf(4) - norm.sf(5), and norm.sf(30) - norm.sf(31)
        Assert.Equal(3.138459026124067e-05, ScottParzenEstimator.GaussMass(4, 5), 1e-17);
        Assert.Equal(4.9067139271476384e-198, ScottParzenEstimator.GaussMass(30, 31), 1e-210);
        Assert.Equal(4.9067139271476384e-198, ScottParzenEstimator.GaussMass(-31, -30), 1e-210);
    }

    private static ParameterSpace Space(JsonElement space)
    {
        var name = space.GetProperty("name").GetString()!;
        return space.GetProperty("kind").GetString() switch
        {
            "categorical" => new CategoricalParameter(name, space.GetProperty("values").EnumerateArray().Select(Value).ToList()),
            "int_uniform" => new DistributionParameter(name, DistributionKind.IntUniform, space.GetProperty("min").GetDouble(), space.GetProperty("max").GetDouble()),
            "log_uniform" => new DistributionParameter(name, DistributionKind.LogUniform, space.GetProperty("min").GetDouble(), space.GetProperty("max").GetDouble()),
            _ => new DistributionParameter(name, DistributionKind.Uniform, space.GetProperty("min").GetDouble(), space.GetProperty("max").GetDouble()),
        };
    }

    // As a trial's parameters JSON reads back: whole numbers long, other numbers double.
    private static object Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number when value.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new ArgumentException($"unexpected {value}"),
    };
}
