using System.CommandLine;
using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps export</c>: write a model as a sentence-transformers directory.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var output = new Option<string>("--output", "-o") { Description = "The directory to write (must not exist, or be empty).", Required = true };
        var command = new Command("export", "Save a model in sentence-transformers format (loadable by Python's SentenceTransformer).")
        {
            model, output,
        };
        command.SetAction(CommandLine.Guard((result, _) =>
        {
            var target = result.GetValue(output)!;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new EmbedSweepsException($"{target}: exists and is not empty; choose a new directory.");
            using var encoder = CommonOptions.LoadEncoder(result.GetValue(model)!, "cpu");
            var staging = target.TrimEnd('/') + $".{Environment.ProcessId}.partial";
            try
            {
                encoder.Save(staging);
                if (Directory.Exists(target)) Directory.Delete(target);
                Directory.Move(staging, target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                throw new EmbedSweepsException($"{target}: cannot be written ({e.Message}).");
            }
            Console.Error.WriteLine($"saved {target}");
            return Task.FromResult(CommandLine.Success);
        }));
        return command;
    }
}
