namespace EmbedSweeps.Sweeps.Definition;

/// <summary>
/// The trial settings a sweep may vary (the train command's options in snake_case), with their types
/// and valid ranges. One table, so parsing, validation and documentation agree.
/// </summary>
public static class TrialSettings
{
    public enum ValueType { Text, Integer, Number, Boolean }

    /// <param name="UsedBy">The losses that read this setting; null when every loss does (a sweep that varies it for other
    /// losses trains the same model several times, so the parser warns).</param>
    public sealed record Setting(string Name, ValueType Type, string Description, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity,
        bool MinExclusive = false, bool MaxExclusive = false, IReadOnlyList<string>? Choices = null, IReadOnlyList<string>? UsedBy = null)
    {
        /// <summary>Null when <paramref name="value"/> is valid, else why not.</summary>
        public string? Check(object value)
        {
            if (Choices is not null && !Choices.Contains((string)value))
                return $"{Name} '{value}' is not valid (valid: {string.Join(", ", Choices)}).";
            if (Type is ValueType.Integer or ValueType.Number)
            {
                var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                var tooLow = MinExclusive ? number <= Min : number < Min;
                var tooHigh = MaxExclusive ? number >= Max : number > Max;
                if (tooLow || tooHigh || double.IsNaN(number)) return $"{Name} {value} is out of range ({Range}).";
            }
            return null;
        }

        public string Range => (double.IsNegativeInfinity(Min) ? "" : (MinExclusive ? "> " : "≥ ") + Min.ToString(System.Globalization.CultureInfo.InvariantCulture))
            + (double.IsNegativeInfinity(Min) || double.IsPositiveInfinity(Max) ? "" : " and ")
            + (double.IsPositiveInfinity(Max) ? "" : (MaxExclusive ? "< " : "≤ ") + Max.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static readonly string[] Losses = ["softmax", "cosine", "mnrl", "cosent", "cached_mnrl", "matryoshka_cosine", "matryoshka_cosent", "matryoshka_mnrl"];

    public static readonly IReadOnlyList<Setting> All =
    [
        new("base_model", ValueType.Text, "model to fine-tune: a Hugging Face id or a directory"),
        new("loss", ValueType.Text, "training objective", Choices: Losses),
        new("learning_rate", ValueType.Number, "peak AdamW learning rate", 0, 1, MinExclusive: true),
        new("warmup_steps", ValueType.Integer, "linear warm-up steps", 0),
        new("warmup_ratio", ValueType.Number, "warm-up as a fraction of all steps", 0, 1, MaxExclusive: true),
        new("batch_size", ValueType.Integer, "examples per step", 1, 65536),
        new("epochs", ValueType.Integer, "passes over the data", 1, 1000),
        new("max_steps", ValueType.Integer, "stop after this many steps", 1),
        new("weight_decay", ValueType.Number, "AdamW decoupled weight decay", 0, 1),
        new("max_grad_norm", ValueType.Number, "gradient clipping norm", 0, MinExclusive: true),
        new("max_seq_length", ValueType.Integer, "tokens per text", 8, 8192),
        new("seed", ValueType.Integer, "data order, negatives and dropout", 0, int.MaxValue),
        new("precision", ValueType.Text, "fp32, or bf16 with fp32 master weights", Choices: ["fp32", "bf16"]),
        new("scale", ValueType.Number, "similarity scale of mnrl/cosent", 0, 1000, MinExclusive: true,
            UsedBy: ["mnrl", "cosent", "cached_mnrl", "matryoshka_cosent", "matryoshka_mnrl"]),
        new("mini_batch_size", ValueType.Integer, "cached_mnrl GradCache mini-batch", 1, UsedBy: ["cached_mnrl"]),
        new("hard_negatives", ValueType.Boolean, "NLI + mnrl: contradiction hypotheses as negatives", UsedBy: ["mnrl", "cached_mnrl", "matryoshka_mnrl"]),
    ];

    public static readonly IReadOnlyDictionary<string, Setting> ByName = All.ToDictionary(s => s.Name);
}
