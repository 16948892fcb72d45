namespace EmbedSweeps.Embeddings;

/// <summary>
/// How a message names a setting: as the <c>train</c> command's flag (<c>--lr</c>) where a user typed a command, or as the
/// sweep file's key (<c>learning_rate</c>) inside a sweep's trial worker, whose user wrote YAML and never saw the flag.
/// The same check (a batch larger than the data, a loss that diverged) then speaks the language of whoever must fix it.
/// </summary>
public static class SettingNames
{
    private static readonly AsyncLocal<bool> InSweep = new();

    /// <summary>
    /// The sweep key of every setting a message may name, and the <c>train</c> command's flag for it. A test holds the keys
    /// equal to the sweep schema's settings and the flags equal to the train command's options.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["base_model"] = "--model", ["loss"] = "--loss", ["data"] = "--data", ["learning_rate"] = "--lr",
        ["warmup_steps"] = "--warmup-steps", ["warmup_ratio"] = "--warmup-ratio", ["batch_size"] = "--batch-size",
        ["epochs"] = "--epochs", ["max_steps"] = "--max-steps", ["weight_decay"] = "--weight-decay",
        ["max_grad_norm"] = "--max-grad-norm", ["max_seq_length"] = "--max-seq-length", ["seed"] = "--seed",
        ["precision"] = "--precision", ["scale"] = "--scale", ["mini_batch_size"] = "--mini-batch-size",
        ["hard_negatives"] = "--hard-negatives", ["max_samples"] = "--max-samples", ["eval_steps"] = "--eval-steps",
        ["checkpoint_steps"] = "--checkpoint-steps", ["logging_steps"] = "--logging-steps",
    };

    /// <summary>Keys of a sweep file that are not trial settings, and the flag of <c>train</c> or <c>eval</c> that sets the same.</summary>
    public static readonly IReadOnlyDictionary<string, string> OtherFlags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["resources.device"] = "--device", ["split"] = "--split", ["name"] = "--name",
    };

    /// <summary>
    /// <paramref name="setting"/> (a sweep key, such as <c>learning_rate</c>) as the reader of the message knows it.
    /// Throws KeyNotFoundException for a key not in <see cref="Flags"/> (a programming error).
    /// </summary>
    public static string Of(string setting) => InSweep.Value ? setting : Flags.TryGetValue(setting, out var flag) ? flag : OtherFlags[setting];

    /// <summary>
    /// Messages name settings by their sweep keys until the result is disposed, in this flow of execution only (what it
    /// calls, and threads and tasks it starts); other commands in the same process keep the flags.
    /// </summary>
    public static IDisposable SweepKeys()
    {
        var previous = InSweep.Value;
        InSweep.Value = true;
        return new Restore(previous);
    }

    private sealed class Restore(bool previous) : IDisposable
    {
        public void Dispose() => InSweep.Value = previous;
    }
}
