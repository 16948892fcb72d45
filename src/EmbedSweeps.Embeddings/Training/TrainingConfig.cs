using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// Everything that defines a training run. Serialised in snake_case into trainer_state.json and
/// checkpoints; <see cref="Fingerprint"/> covers what changes the weights, so a checkpoint resumes
/// only the run it came from.
/// </summary>
public sealed record TrainingConfig
{
    public string Model { get; init; } = "sentence-transformers/all-MiniLM-L6-v2";
    public string Data { get; init; } = "nli";
    public string Loss { get; init; } = "mnrl";
    public double LearningRate { get; init; } = 2e-5;
    public int? WarmupSteps { get; init; }
    public double? WarmupRatio { get; init; }
    public int BatchSize { get; init; } = 32;
    public int Epochs { get; init; } = 1;
    public int? MaxSteps { get; init; }
    public int Seed { get; init; } = 42;
    public string Precision { get; init; } = "fp32";
    public int? MaxSeqLength { get; init; }
    public int? MaxSamples { get; init; }
    public bool HardNegatives { get; init; }
    public double WeightDecay { get; init; } = 0.01;
    public double MaxGradNorm { get; init; } = 1.0;
    public double Scale { get; init; } = 20.0;
    public int MiniBatchSize { get; init; } = 32;
    public IReadOnlyList<int>? MatryoshkaDims { get; init; }

    // Reporting only: these do not change the weights, so they are outside the fingerprint.
    public int? EvalSteps { get; init; }
    public int LoggingSteps { get; init; } = 10;
    public int? CheckpointSteps { get; init; }
    public string Evaluator { get; init; } = "stsb";

    public static readonly string[] Precisions = ["fp32", "bf16"];

    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>A hash of the settings that determine the trajectory of the weights.</summary>
    public string Fingerprint()
    {
        var relevant = this with { EvalSteps = null, LoggingSteps = 0, CheckpointSteps = null, Evaluator = "" };
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(relevant, Json));
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }

    /// <summary>Every problem with the values, as messages naming the option.</summary>
    public IEnumerable<string> Problems()
    {
        static string Of(string setting) => SettingNames.Of(setting);
        if (!(LearningRate > 0)) yield return $"{Of("learning_rate")} {LearningRate}: the learning rate must be greater than 0.";
        if (BatchSize < 1) yield return $"{Of("batch_size")} {BatchSize}: must be at least 1.";
        if (Epochs < 1) yield return $"{Of("epochs")} {Epochs}: must be at least 1.";
        if (MaxSteps is < 1) yield return $"{Of("max_steps")} {MaxSteps}: must be at least 1.";
        if (WarmupSteps is < 0) yield return $"{Of("warmup_steps")} {WarmupSteps}: must not be negative.";
        if (WarmupRatio is < 0 or >= 1) yield return $"{Of("warmup_ratio")} {WarmupRatio}: must be in [0, 1).";
        if (WarmupSteps is not null && WarmupRatio is not null) yield return $"{Of("warmup_steps")} and {Of("warmup_ratio")}: give one or the other.";
        if (!Precisions.Contains(Precision)) yield return $"{Of("precision")} {Precision}: unknown (valid: {string.Join(", ", Precisions)}).";
        if (EvalSteps is < 1) yield return $"{Of("eval_steps")} {EvalSteps}: must be at least 1.";
        if (CheckpointSteps is < 1) yield return $"{Of("checkpoint_steps")} {CheckpointSteps}: must be at least 1.";
        if (LoggingSteps < 1) yield return $"{Of("logging_steps")} {LoggingSteps}: must be at least 1.";
        if (MaxSamples is < 1) yield return $"{Of("max_samples")} {MaxSamples}: must be at least 1.";
        if (!(WeightDecay >= 0)) yield return $"{Of("weight_decay")} {WeightDecay}: must not be negative.";
        if (!(MaxGradNorm > 0)) yield return $"{Of("max_grad_norm")} {MaxGradNorm}: must be greater than 0.";
        if (!(Scale > 0)) yield return $"{Of("scale")} {Scale}: must be greater than 0.";
    }
}
