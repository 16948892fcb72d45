using System.Globalization;
using System.Text.Json;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Training;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// How a trial's settings — named as in <see cref="Sweeps.Definition.TrialSettings"/>, the one table of them — become its
/// training run: one entry per setting the run reads. The worker reads the other two itself (<see cref="ReadByTheWorker"/>).
/// A test holds the entries equal to the table and checks that each sets the field of its own name.
/// </summary>
internal static class TrainingBinding
{
    /// <summary>
    /// The values of <paramref name="config"/> outside the ranges of the settings table — what a sweep file would refuse
    /// (<c>--lr 2</c>, <c>--max-seq-length 4</c>) — each a sentence naming the setting as its reader knows it.
    /// </summary>
    public static IEnumerable<string> OutOfRange(TrainingConfig config)
    {
        var stored = JsonSerializer.SerializeToElement(config, TrainingConfig.Json);
        foreach (var name in Setters.Keys)
        {
            var setting = TrialSettings.ByName[name];
            if (setting.Type is not (TrialSettings.ValueType.Integer or TrialSettings.ValueType.Number)) continue;
            if (!stored.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number) continue;
            if (setting.Check(value.GetDouble(), SettingNames.Of(name)) is { } problem) yield return problem;
        }
    }

    /// <summary>Settings the trial worker reads itself: what it evaluates, and whether it trains at all.</summary>
    public static readonly IReadOnlyList<string> ReadByTheWorker = ["evaluation", "baseline"];

    public static readonly IReadOnlyDictionary<string, Func<TrainingConfig, SettingValue, TrainingConfig>> Setters =
        new Dictionary<string, Func<TrainingConfig, SettingValue, TrainingConfig>>(StringComparer.Ordinal)
        {
            ["base_model"] = (c, v) => c with { Model = v.Text() },
            ["loss"] = (c, v) => c with { Loss = v.Text() },
            ["data"] = (c, v) => c with { Data = v.Text() },
            ["learning_rate"] = (c, v) => c with { LearningRate = v.Number() },
            ["warmup_steps"] = (c, v) => c with { WarmupSteps = v.Integer() },
            ["warmup_ratio"] = (c, v) => c with { WarmupRatio = v.Number() },
            ["batch_size"] = (c, v) => c with { BatchSize = v.Integer() },
            ["epochs"] = (c, v) => c with { Epochs = v.Integer() },
            ["max_steps"] = (c, v) => c with { MaxSteps = v.Integer() },
            ["weight_decay"] = (c, v) => c with { WeightDecay = v.Number() },
            ["max_grad_norm"] = (c, v) => c with { MaxGradNorm = v.Number() },
            ["max_seq_length"] = (c, v) => c with { MaxSeqLength = v.Integer() },
            ["seed"] = (c, v) => c with { Seed = v.Integer() },
            ["precision"] = (c, v) => c with { Precision = v.Text() },
            ["scale"] = (c, v) => c with { Scale = v.Number() },
            ["mini_batch_size"] = (c, v) => c with { MiniBatchSize = v.Integer() },
            ["hard_negatives"] = (c, v) => c with { HardNegatives = v.Flag() },
            ["max_samples"] = (c, v) => c with { MaxSamples = v.Integer() },
            ["eval_steps"] = (c, v) => c with { EvalSteps = v.Integer() },
            ["checkpoint_steps"] = (c, v) => c with { CheckpointSteps = v.Integer() },
        };
}

/// <summary>One setting's value in a trial spec, read as the type its setter needs; anything else is one sentence naming it.</summary>
internal readonly record struct SettingValue(string TrialId, string Name, JsonElement Value)
{
    public string Text() => Value.ValueKind == JsonValueKind.String ? Value.GetString()! : throw Wrong("text");

    public bool Flag() => Value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Wrong("true or false") };

    public double Number() => Value.ValueKind switch
    {
        JsonValueKind.Number => Value.GetDouble(),
        // Older sweeps stored numbers as text.
        JsonValueKind.String when double.TryParse(Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw Wrong("a number"),
    };

    public int Integer()
    {
        var number = Number();
        return number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue ? (int)number : throw Wrong("a whole number");
    }

    private EmbedSweepsException Wrong(string expected) => new($"trial {TrialId}: setting {Name} must be {expected}, not {Value.GetRawText()}.");
}
