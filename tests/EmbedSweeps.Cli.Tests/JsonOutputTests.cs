using System.Text.Json;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Output;

namespace EmbedSweeps.Cli.Tests;

/// <summary>Every --json output: snake_case keys, statuses as words, settings as JSON values, numbers as numbers.</summary>
public sealed class JsonOutputTests
{
    private static readonly ExperimentSnapshot Sweep = new("demo", ExperimentStatus.Running, "stsb_validation_spearman_cosine", true,
    [
        new ExperimentTrial("t-base", TrialStatus.Succeeded, """{"base_model":"m","loss":null}""", 0.82, "{}", Baseline: true),
        new ExperimentTrial("t-1", TrialStatus.Succeeded, """{"base_model":"m","batch_size":16,"evaluation":"[{\"task\":\"stsb\"}]","learning_rate":2e-05,"loss":"mnrl"}""", 0.83, """{"learning_rate":2e-05}"""),
        new ExperimentTrial("t-2", TrialStatus.Failed, """{"base_model":"m","batch_size":16,"learning_rate":5e-05,"loss":"mnrl"}""", null, """{"learning_rate":5e-05}"""),
    ], "t-1", 0.83, DateTimeOffset.Parse("2026-11-30T03:00:00Z"), null);

    [Fact]
    public void SweepStatusHasWordsNumbersAndSettingsAsObjects()
    {
        using var json = JsonDocument.Parse(JsonOutput.Serialize(SweepSummaryJson.WithTrials(Sweep)));
        var root = json.RootElement;

        Assert.Equal("running", root.GetProperty("status").GetString());
        Assert.Equal("maximize", root.GetProperty("goal").GetString());
        Assert.Equal(2, root.GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.Equal(0, root.GetProperty("counts").GetProperty("cancelled").GetInt32());
        Assert.Equal("t-1", root.GetProperty("best_trial_id").GetString());
        var trial = root.GetProperty("trials")[1];
        Assert.Equal("succeeded", trial.GetProperty("status").GetString());
        Assert.Equal(16, trial.GetProperty("settings").GetProperty("batch_size").GetInt32());
        Assert.Equal(2e-05, trial.GetProperty("settings").GetProperty("learning_rate").GetDouble());
        Assert.Equal(2e-05, trial.GetProperty("parameters").GetProperty("learning_rate").GetDouble());
        Assert.Equal("stsb", trial.GetProperty("settings").GetProperty("evaluation")[0].GetProperty("task").GetString()); // never JSON in a string
        Assert.DoesNotContain(root.EnumerateObject(), p => char.IsUpper(p.Name[0]));
    }

    [Fact]
    public void SweepListLeavesTheTrialsOut()
    {
        using var json = JsonDocument.Parse(JsonOutput.Serialize(new[] { SweepSummaryJson.Of(Sweep) }));

        Assert.False(json.RootElement[0].TryGetProperty("trials", out _));
        Assert.Equal("demo", json.RootElement[0].GetProperty("name").GetString());
    }

    [Fact]
    public void LeaderboardRowsCarryRankGainIntervalAndTypedSettings()
    {
        var rows = new List<LeaderboardRow>
        {
            new(0, "t-base", TrialStatus.Succeeded, new Dictionary<string, string>(), new Dictionary<string, double> { ["x"] = 0.82 }, 0.82, true, null, null, "s1", 10, "m"),
            new(1, "t-1", TrialStatus.Succeeded, new Dictionary<string, string>(), new Dictionary<string, double> { ["x"] = double.NaN }, 0.83, false, 0.01, null, "s1", 61.5, "out/t-1")
                { GainInterval = (-0.002, 0.02), Attempts = 2 },
            new(2, "t-2", TrialStatus.Failed, new Dictionary<string, string>(), new Dictionary<string, double>(), null, false, null, "no-such-model", null, null, null) { Attempts = 2 },
        };

        using var json = JsonDocument.Parse(JsonOutput.Serialize(LeaderboardJson.Of(Sweep, rows)));
        var trials = json.RootElement.GetProperty("trials");

        Assert.Equal("demo", json.RootElement.GetProperty("sweep").GetString());
        Assert.Equal(JsonValueKind.Null, trials[0].GetProperty("rank").ValueKind); // a baseline has no rank
        Assert.Equal(1, trials[1].GetProperty("rank").GetInt32());
        Assert.Equal(-0.002, trials[1].GetProperty("gain_ci_low").GetDouble());
        Assert.True(trials[1].GetProperty("gain_within_noise").GetBoolean());
        Assert.Equal("NaN", trials[1].GetProperty("metrics").GetProperty("x").GetString());
        Assert.Equal(16, trials[1].GetProperty("settings").GetProperty("batch_size").GetInt32());
        Assert.Equal(JsonValueKind.Null, trials[0].GetProperty("settings").GetProperty("loss").ValueKind);
        Assert.Equal("failed", trials[2].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, trials[2].GetProperty("gain_within_noise").ValueKind);
    }
}
