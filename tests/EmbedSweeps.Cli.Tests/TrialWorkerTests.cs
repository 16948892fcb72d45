using System.Text.Json;

namespace EmbedSweeps.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class TrialWorkerTests
{
    [Fact]
    public void AWorkerTrainsEvaluatesAndReportsTaggedJsonLines()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        var data = Path.Combine(folder, "pairs.tsv");
        File.WriteAllLines(data, new[] { "sentence1\tsentence2\tscore" }.Concat(Enumerable.Range(0, 16).Select(i => $"a dog runs {i}\ta dog is running {i}\t0.{i % 10}")));
        var spec = Path.Combine(folder, "trial.json");
        File.WriteAllText(spec, JsonSerializer.Serialize(new
        {
            trial_id = "t-0123456789abcdef",
            attempt = 2,
            objective = "stsb_validation_spearman_cosine",
            output = Path.Combine(folder, "out"),
            device = "cpu",
            settings = new Dictionary<string, object>
            {
                ["base_model"] = "sentence-transformers/all-MiniLM-L6-v2", ["loss"] = "cosent", ["learning_rate"] = 2e-5,
                ["batch_size"] = 8, ["max_steps"] = 2, ["data"] = data, ["evaluation"] = "stsb_validation", ["precision"] = "bf16",
            },
        }));

        var result = CliRunner.Run("trial-worker", "--spec", spec);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines, l => Assert.Equal("t-0123456789abcdef", l.GetProperty("trial_id").GetString()));
        Assert.All(lines, l => Assert.Equal(2, l.GetProperty("attempt").GetInt32()));
        Assert.Contains(lines, l => l.GetProperty("event").GetString() == "log");
        var final = lines[^1];
        Assert.Equal("result", final.GetProperty("event").GetString());
        // Two steps at 2e-5 barely move all-MiniLM-L6-v2 (untrained: 0.8672), but they do move its weights.
        Assert.InRange(final.GetProperty("objective_value").GetDouble(), 0.86, 0.875);
        var trained = EmbedSweeps.Embeddings.IO.Safetensors.Load(Path.Combine(folder, "out", "model.safetensors"));
        var untrained = EmbedSweeps.Embeddings.IO.Safetensors.Load(Path.Combine(CliRunner.Shared, "models", "all-MiniLM-L6-v2", "model.safetensors"));
        const string weight = "encoder.layer.0.attention.self.query.weight";
        Assert.False(trained[weight].to_type(TorchSharp.torch.ScalarType.Float32).allclose(untrained[weight], rtol: 0, atol: 0), "training changed no weight");
    }

    [Fact]
    public void AnUnknownSettingIsAnErrorLine()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        var spec = Path.Combine(folder, "trial.json");
        File.WriteAllText(spec, """{"trial_id": "t-1", "objective": "stsb_validation_spearman_cosine", "output": "x", "settings": {"base_model": "m", "loss": "mnrl", "lr": 1}}""");
        var result = CliRunner.Run("trial-worker", "--spec", spec);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("\"event\":\"error\"", result.Output);
        Assert.Contains("unknown setting(s) lr", result.Output);
    }

    [Fact]
    public void AWorkerNamesABadSettingByItsSweepKeyNotTheTrainFlag()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        var spec = Path.Combine(folder, "trial.json");
        File.WriteAllText(spec, """{"trial_id": "t-1", "objective": "stsb_validation_spearman_cosine", "output": "x", "settings": {"base_model": "m", "loss": "mnrl", "learning_rate": 0, "warmup_steps": 10, "warmup_ratio": 0.1}}""");
        var result = CliRunner.Run("trial-worker", "--spec", spec);
        Assert.Equal(2, result.ExitCode);
        var error = JsonDocument.Parse(result.Output.Trim()).RootElement.GetProperty("message").GetString()!;
        Assert.Contains("learning_rate 0: the learning rate must be greater than 0.", error);
        Assert.Contains("warmup_steps and warmup_ratio: give one or the other.", error);
        Assert.DoesNotContain("--", error);

        // The train command, given the same values, names its flags.
        var train = CliRunner.Run("train", "--model", "m", "--data", "stsb", "--loss", "mnrl", "--lr", "0", "--output", Path.Combine(folder, "run"));
        Assert.Contains("--lr 0: the learning rate must be greater than 0.", train.Error);
    }
}

