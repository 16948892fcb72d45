namespace EmbedSweeps.Sweeps.Definition;

/// <summary>
/// Every setting a trial runs with — those a sweep may vary under <c>parameters</c> and those set once for the whole sweep
/// (data, evaluation, …) — with its type, valid range, whether it is part of the trial's id, and which losses read it. One
/// table, so parsing, the trial id, validation and documentation agree; the trial worker binds each of these names to the
/// training run (a test in the CLI holds its binding equal to this table).
/// </summary>
public static class TrialSettings
{
    public enum ValueType { Text, Integer, Number, Boolean }

    /// <param name="UsedBy">The losses that read this setting; null when every loss does (a sweep that varies it for other
    /// losses trains the same model several times, so the parser warns).</param>
    /// <param name="SetIn">Where a sweep file sets it: <c>parameters</c> (it may be swept), or the sweep-wide key that sets
    /// it for every trial (<c>data.train</c>); parameters that also have a sweep-wide key name it after a comma.</param>
    /// <param name="InTrialId">Whether a change makes a different trial (false for what only changes how a run is kept, such
    /// as how often it checkpoints).</param>
    /// <param name="Default">The value a trial runs with when the sweep does not set it (long, double, bool or string); null
    /// when there is none: required (base_model, loss) or off (max_steps). A test holds these equal to the training run's.</param>
    public sealed record Setting(string Name, ValueType Type, string Description, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity,
        bool MinExclusive = false, bool MaxExclusive = false, IReadOnlyList<string>? Choices = null, IReadOnlyList<string>? UsedBy = null,
        string SetIn = "parameters", bool InTrialId = true, object? Default = null)
    {
        /// <summary>A sweep may vary it (it is a key under <c>parameters</c>).</summary>
        public bool Sweepable => SetIn.StartsWith("parameters", StringComparison.Ordinal);

        /// <summary>Null when <paramref name="value"/> is valid, else why not, naming it <paramref name="key"/> (default: its name).</summary>
        public string? Check(object value, string? key = null)
        {
            key ??= Name;
            if (Choices is not null && !Choices.Contains((string)value))
                return $"{key} '{value}' is not valid (valid: {string.Join(", ", Choices)}).";
            if (Type is ValueType.Integer or ValueType.Number)
            {
                var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                var tooLow = MinExclusive ? number <= Min : number < Min;
                var tooHigh = MaxExclusive ? number >= Max : number > Max;
                if (tooLow || tooHigh || double.IsNaN(number)) return $"{key} {value} is out of range ({Bounds(showAll: true)}).";
            }
            return null;
        }

        /// <summary>The valid range as documentation shows it: a maximum of int.MaxValue only says "a whole number" and is left out.</summary>
        public string Range => Bounds(showAll: false);

        // Messages about a value out of range show every bound, int.MaxValue included.
        private string Bounds(bool showAll)
        {
            var showsMax = !double.IsPositiveInfinity(Max) && (showAll || Max < int.MaxValue);
            return (double.IsNegativeInfinity(Min) ? "" : (MinExclusive ? "> " : "≥ ") + Min.ToString(System.Globalization.CultureInfo.InvariantCulture))
                + (double.IsNegativeInfinity(Min) || !showsMax ? "" : " and ")
                + (!showsMax ? "" : (MaxExclusive ? "< " : "≤ ") + Max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static readonly string[] Losses = ["softmax", "cosine", "mnrl", "cosent", "cached_mnrl", "matryoshka_cosine", "matryoshka_cosent", "matryoshka_mnrl"];

    public static readonly IReadOnlyList<Setting> All =
    [
        new("base_model", ValueType.Text, "model to fine-tune: a Hugging Face id or a directory"),
        new("loss", ValueType.Text, "training objective", Choices: Losses),
        new("learning_rate", ValueType.Number, "peak AdamW learning rate", 0, 1, MinExclusive: true, Default: 2e-5),
        new("warmup_steps", ValueType.Integer, "linear warm-up steps", 0),
        new("warmup_ratio", ValueType.Number, "warm-up as a fraction of all steps", 0, 1, MaxExclusive: true),
        new("batch_size", ValueType.Integer, "training examples per optimizer step", 1, 65536, Default: 32L),
        new("epochs", ValueType.Integer, "passes over the data", 1, 1000, SetIn: "parameters, training.epochs", Default: 1L),
        new("max_steps", ValueType.Integer, "stop after this many steps", 1, int.MaxValue, SetIn: "parameters, training.max_steps"),
        new("weight_decay", ValueType.Number, "AdamW decoupled weight decay", 0, 1, Default: 0.01),
        new("max_grad_norm", ValueType.Number, "gradient clipping norm", 0, MinExclusive: true, Default: 1.0),
        new("max_seq_length", ValueType.Integer, "tokens per text (default: the model's)", 8, 8192),
        new("seed", ValueType.Integer, "data order, negatives and dropout", 0, int.MaxValue, Default: 42L),
        new("precision", ValueType.Text, "fp32, or bf16 with fp32 master weights", Choices: ["fp32", "bf16"], SetIn: "parameters, training.precision", Default: "fp32"),
        new("scale", ValueType.Number, "similarity scale of the losses that read it", 0, 1000, MinExclusive: true,
            UsedBy: ["mnrl", "cosent", "cached_mnrl", "matryoshka_cosent", "matryoshka_mnrl"], Default: 20.0),
        new("mini_batch_size", ValueType.Integer, "cached_mnrl GradCache mini-batch", 1, UsedBy: ["cached_mnrl"], Default: 32L),
        new("hard_negatives", ValueType.Boolean, "with NLI data: each premise's contradiction as an extra negative", UsedBy: ["mnrl", "cached_mnrl", "matryoshka_mnrl"],
            SetIn: "parameters, data.hard_negatives", Default: false),
        new("data", ValueType.Text, "training data: nli, stsb, a file or a folder", SetIn: "data.train", Default: "nli"),
        new("max_samples", ValueType.Integer, "use at most this many training examples", 1, int.MaxValue, SetIn: "data.max_samples"),
        new("eval_steps", ValueType.Integer, "evaluate the objective every N steps (and at the end)", 1, int.MaxValue, SetIn: "training.eval_steps"),
        new("evaluation", ValueType.Text, "the evaluations every trial ends with (see Evaluation)", SetIn: "evaluation", Default: "stsb_validation"),
        new("checkpoint_steps", ValueType.Integer, "write a resumable checkpoint every N steps", 1, int.MaxValue, SetIn: "training.checkpoint_steps", InTrialId: false),
        new("baseline", ValueType.Boolean, "evaluate base_model untrained (the sweep's baseline trials)", SetIn: "none (the sweep adds one baseline trial per base model)", Default: false),
    ];

    public static readonly IReadOnlyDictionary<string, Setting> ByName = All.ToDictionary(s => s.Name);

    /// <summary>The settings a sweep may vary (keys under <c>parameters</c>), in the table's order.</summary>
    public static readonly IReadOnlyDictionary<string, Setting> Sweepable = All.Where(s => s.Sweepable).ToDictionary(s => s.Name);
}
