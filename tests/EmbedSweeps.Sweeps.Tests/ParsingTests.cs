using System.Diagnostics;
using System.Text.Json;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Tests;

public sealed class ParsingTests
{
    public static TheoryData<string> ExampleFiles() => new(Directory.GetFiles(Sweeps.Folder, "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void ExampleSweepsAreValid(string file)
    {
        var sweep = SweepParser.ParseFile(Path.Combine(Sweeps.Folder, file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), sweep.Name);
    }

    [Fact]
    public void TheChaptersStudyHasTwentyFourTrials()
    {
        var sweep = SweepParser.ParseFile(Path.Combine(Sweeps.Folder, "nli-losses.yaml"));
        Assert.Equal(24, Expansion.SweepExpansion.InitialTrials(sweep).Count);
        Assert.Equal(3, sweep.Evaluation.Count);
    }

    [Fact]
    public void UnknownKeyReportsLineAndColumnWithASuggestion()
    {
        var problem = Assert.Single(Sweeps.Problems(Sweeps.Minimal + "\nlimts: { max_trials: 3 }\n"));
        Assert.Equal((9, 1), (problem.Line, problem.Column));
        Assert.Contains("did you mean 'limits'", problem.Message);
        Assert.StartsWith("test.yaml:9:1: ", problem.ToString());
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var problems = Sweeps.Problems("""
            name: Bad Name
            method: gird
            objective: { metric: accuracy, goal: up }
            parameters:
              base_model: m
              loss: [softmax]
              learning_rate: 0
              batch_size: "32"
              batch_size: 8
            """);
        Assert.Equal(7, problems.Count);
        Assert.Contains(problems, p => p.Message.Contains("valid: grid, random, bayes"));
        Assert.Contains(problems, p => p.Message.Contains("valid: maximize, minimize"));
        Assert.Contains(problems, p => p.Message.Contains("duplicate key 'batch_size'"));
        Assert.Contains(problems, p => p.Message.Contains("learning_rate 0 is out of range"));
        Assert.All(problems, p => Assert.True(p.Line > 0 && p.Column > 0));
    }

    [Fact]
    public void ALossThatCannotUseTheDataIsAnError()
    {
        var problem = Assert.Single(Sweeps.Problems(Sweeps.Minimal.Replace("[cosine, cosent]", "[cosine, mnrl]")));
        Assert.Contains("loss 'mnrl' cannot train on data 'stsb'", problem.Message);
    }

    [Fact]
    public void AGridLargerThanMaxTrialsSaysHowLarge()
    {
        var problem = Assert.Single(Sweeps.Problems(Sweeps.Minimal + "\nlimits: { max_trials: 5 }\n"));
        Assert.Contains("the grid has 8 trials", problem.Message);
    }

    [Fact]
    public void KeepModelsIsAPositiveCountAndOptional()
    {
        Assert.Null(Sweeps.Parse(Sweeps.Minimal).Limits.KeepModels);
        Assert.Equal(3, Sweeps.Parse(Sweeps.Minimal + "\nlimits: { keep_models: 3 }\n").Limits.KeepModels);
        var problem = Assert.Single(Sweeps.Problems(Sweeps.Minimal + "\nlimits: { keep_models: 0 }\n"));
        Assert.Equal((9, "limits: { keep_models: 0 }".IndexOf('0') + 1), (problem.Line, problem.Column));
        Assert.Equal("limits.keep_models 0 is out of range (1 to 100000).", problem.Message);
    }

    [Fact]
    public void GridSearchRefusesDistributions()
    {
        var problem = Assert.Single(Sweeps.Problems(Sweeps.Minimal.Replace("[2.0e-5, 5.0e-5]", "{ distribution: log_uniform, min: 1.0e-6, max: 1.0e-4 }")));
        Assert.Contains("use method: random or bayes", problem.Message);
    }

    [Fact]
    public void YamlSyntaxErrorsHaveAPosition()
    {
        var problem = Assert.Single(Sweeps.Problems("name: x\nparameters: [a, b\n"));
        Assert.Contains("YAML syntax error", problem.Message);
        Assert.True(problem.Line >= 2);
    }

    [Fact]
    public void AliasBombsFailFastInBoundedTime()
    {
        var lines = new List<string> { "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]" };
        for (var level = 'b'; level <= 'i'; level++)
            lines.Add($"{level}: &{level} [{string.Join(", ", Enumerable.Repeat($"*{(char)(level - 1)}", 9))}]");
        var clock = Stopwatch.StartNew();
        var problem = Assert.Single(Sweeps.Problems(string.Join("\n", lines)));
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Contains("anchors", problem.Message);
    }

    [Fact]
    public void HugeDocumentsAndDeepNestingAreRefused()
    {
        Assert.Contains("limited to", Assert.Single(Sweeps.Problems("name: " + new string('x', 300_000))).Message);
        Assert.Contains("nested deeper", Assert.Single(Sweeps.Problems("a: " + new string('[', 100) + new string(']', 100))).Message);
    }

    [Fact]
    public void DefaultsAreFilledIn()
    {
        var sweep = Sweeps.Parse(Sweeps.Minimal);
        Assert.Equal(SearchMethod.Grid, sweep.Method);
        Assert.Equal(Goal.Maximize, sweep.Objective.Goal);
        Assert.Equal(TimeSpan.FromHours(2), sweep.Limits.TrialTimeout);
        Assert.Equal([new EvaluationSpec("stsb", "validation")], sweep.Evaluation);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    public void DurationsParse(string text, int seconds)
    {
        var sweep = Sweeps.Parse(Sweeps.Minimal + $"\nlimits: {{ trial_timeout: {text} }}\n");
        Assert.Equal(TimeSpan.FromSeconds(seconds), sweep.Limits.TrialTimeout);
    }

    [Fact]
    public void TheJsonSchemaKnowsEveryParameter()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sweeps.Folder, "schema.json")));
        var parameters = schema.RootElement.GetProperty("properties").GetProperty("parameters").GetProperty("properties")
            .EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(TrialSettings.Sweepable.Keys.Order(), parameters);
    }

    [Fact]
    public void TheJsonSchemaKnowsEveryEvaluationTaskAndProtocol()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Sweeps.Folder, "schema.json")));
        var item = schema.RootElement.GetProperty("properties").GetProperty("evaluation").GetProperty("items").GetProperty("properties");
        Assert.Equal(EvaluationCatalog.Tasks, item.GetProperty("task").GetProperty("enum").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(EvaluationCatalog.Protocols, item.GetProperty("protocol").GetProperty("enum").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void ASweepWideSettingUnderParametersSaysWhereItBelongs()
    {
        var problem = Assert.Single(Sweeps.Problems(Sweeps.Minimal.Replace("  warmup_steps: [0, 100]", "  max_samples: [100, 200]")));
        Assert.Equal((7, 3), (problem.Line, problem.Column));
        Assert.Contains("'max_samples' is set for the whole sweep, not swept: set it under data.max_samples", problem.Message);
        var baseline = Assert.Single(Sweeps.Problems(Sweeps.Minimal.Replace("  warmup_steps: [0, 100]", "  baseline: [true]")));
        Assert.Contains("'baseline' is not set in a sweep file: the sweep adds one baseline trial per base model.", baseline.Message);
    }

    [Fact]
    public void ASweepWideSettingIsCheckedByTheSameRowAsTheSweptOne()
    {
        // training.epochs and parameters.epochs share one row of TrialSettings: one range, named as the file names it.
        var sweptAlso = Assert.Single(Sweeps.Problems(Sweeps.Minimal + "\ntraining: { epochs: 0 }\n"));
        Assert.Contains("training.epochs 0 is out of range (≥ 1 and ≤ 1000)", sweptAlso.Message);
        var swept = Assert.Single(Sweeps.Problems(Sweeps.Minimal.Replace("  warmup_steps: [0, 100]", "  epochs: [1, 1001]")));
        Assert.Contains("epochs 1001 is out of range (≥ 1 and ≤ 1000)", swept.Message);
        var tooLarge = Assert.Single(Sweeps.Problems(Sweeps.Minimal + "\ntraining: { max_steps: 3000000000 }\n"));
        Assert.Contains("training.max_steps 3000000000 is out of range (≥ 1 and ≤ 2147483647)", tooLarge.Message);
        var wrongType = Assert.Single(Sweeps.Problems(Sweeps.Minimal.Replace("data: { train: stsb }", "data: { train: stsb, hard_negatives: maybe }")));
        Assert.Contains("data.hard_negatives", wrongType.Message);
    }
}
