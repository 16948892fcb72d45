using System.CommandLine;
using System.Diagnostics;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps encode</c>: texts in, a float32 [N, D] .npy out, rows in input order.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var input = new Option<string>("--input", "-i") { Description = "Texts: .jsonl with a \"text\" field per line, or .txt with one text per line.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the embeddings (.npy, float32, [N, D]).", Required = true };
        var batchSize = CommonOptions.BatchSize();
        var device = CommonOptions.Device();
        var maxSeqLength = CommonOptions.MaxSeqLength();
        var promptName = new Option<string?>("--prompt-name")
        {
            Description = "Write the model's prompt of this name (config_sentence_transformers.json, e.g. query) in front of each text.",
        };
        var prompt = new Option<string?>("--prompt")
        {
            Description = "Write this text in front of each text (as sentence-transformers' encode(prompt=...)); \"\" for none, overriding a default prompt.",
        };
        var command = new Command("encode", "Embed texts with a sentence-embedding model and save them as a NumPy .npy file.")
        {
            model, input, output, batchSize, device, maxSeqLength, promptName, prompt,
        };
        command.SetAction(CommandLine.Guard((result, _) =>
        {
            var outputPath = result.GetValue(output)!;
            var texts = TextInput.Read(result.GetValue(input)!);
            AtomicFile.CheckWritable(outputPath);
            if (result.GetValue(promptName) is not null && result.GetValue(prompt) is not null)
                throw new EmbedSweepsException("give either --prompt-name or --prompt, not both.");
            using var encoder = CommonOptions.LoadEncoder(result.GetValue(model)!, result.GetValue(device)!, result.GetValue(maxSeqLength));
            var promptText = result.GetValue(promptName) is { } name ? encoder.Settings.Prompt(name) : result.GetValue(prompt);

            var clock = Stopwatch.StartNew();
            var embeddings = encoder.Encode(texts, result.GetValue(batchSize), prompt: promptText);
            clock.Stop();
            AtomicFile.Write(outputPath, stream => Npy.WriteFloat32(stream, embeddings, texts.Count, encoder.Dimension));
            Console.Error.WriteLine(
                $"encoded {texts.Count} texts → {outputPath} [{texts.Count}, {encoder.Dimension}] in {clock.Elapsed.TotalSeconds:F1} s ({texts.Count / clock.Elapsed.TotalSeconds:F0} texts/s on {encoder.Device.type}).");
            return Task.FromResult(CommandLine.Success);
        }));
        return command;
    }
}
