using System.CommandLine;
using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli.Commands;

/// <summary>Options shared by every command that runs a model.</summary>
internal static class CommonOptions
{
    public static Option<string> Model(string description = "A model directory or a Hugging Face id (sentence-transformers/all-MiniLM-L6-v2).") =>
        new("--model", "-m") { Description = description, Required = true };

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "Where to run: auto (CUDA when available), cpu or cuda[:N].",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<int> BatchSize(int fallback = 32, string description = "Texts per forward pass.")
    {
        var option = new Option<int>("--batch-size") { Description = description, DefaultValueFactory = _ => fallback };
        option.AtLeast(1);
        return option;
    }

    /// <summary>Refuses a value below <paramref name="minimum"/> (exit 2, one sentence).</summary>
    public static void AtLeast(this Option<int> option, int minimum) => option.Validators.Add(result =>
    {
        // A token that is not a whole number has its own parse error; reading it here would throw instead.
        if (result.Tokens is [var token] && !int.TryParse(token.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _)) return;
        if (result.GetValueOrDefault<int>() < minimum) result.AddError($"{option.Name} must be at least {minimum}.");
    });

    public static Option<int?> MaxSeqLength() => new("--max-seq-length")
    {
        Description = "Truncate texts to this many tokens (default: the model's max_seq_length).",
    };

    /// <summary>Resolves and loads the model on the chosen device, reporting checkpoint keys it ignored.</summary>
    public static SentenceEncoder LoadEncoder(string name, string device, int? maxSeqLength = null)
    {
        var resolvedDevice = Devices.Resolve(device);
        var directory = Runtime.Models.Resolve(name);
        var encoder = SentenceEncoder.Load(directory, resolvedDevice);
        if (encoder.UnexpectedKeys.Count > 0)
            Console.Error.WriteLine($"note: {directory}: ignored {encoder.UnexpectedKeys.Count} tensor(s) that are not BERT parameters, e.g. {string.Join(", ", encoder.UnexpectedKeys.Take(3))}.");
        if (maxSeqLength is { } length)
        {
            if (length < 2 || length > encoder.Model.Config.MaxPositionEmbeddings)
                throw new EmbedSweepsException($"--max-seq-length {length}: must be between 2 and the model's {encoder.Model.Config.MaxPositionEmbeddings} positions.");
            encoder.MaxSeqLength = length;
        }
        return encoder;
    }
}
