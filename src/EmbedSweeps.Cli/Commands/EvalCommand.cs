using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps eval</c>: STS-B (sentence-transformers/MTEB STS protocol) or MTEB Banking77Classification.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var task = new Option<string>("--task", "-t") { Description = $"What to evaluate: {string.Join(", ", Tasks.Names)}.", Required = true };
        var split = new Option<string?>("--split") { Description = "STS-B: validation (default) or test. Banking77: test." };
        var json = new Option<string?>("--json") { Description = "Also write the metrics to this JSON file." };
        var batchSize = CommonOptions.BatchSize();
        var device = CommonOptions.Device();
        var command = new Command("eval", "Evaluate a model on STS Benchmark (Spearman of cosine) or MTEB Banking77Classification (accuracy).")
        {
            model, task, split, json, batchSize, device,
        };
        command.SetAction(CommandLine.Guard((result, _) =>
        {
            var jsonPath = result.GetValue(json);
            if (jsonPath is not null) AtomicFile.CheckWritable(jsonPath);
            var evaluator = Tasks.Create(result.GetValue(task)!, result.GetValue(split), Runtime.Datasets, result.GetValue(batchSize));
            var modelName = result.GetValue(model)!;
            using var encoder = CommonOptions.LoadEncoder(modelName, result.GetValue(device)!);

            var clock = Stopwatch.StartNew();
            var evaluation = evaluator.Evaluate(encoder);
            clock.Stop();

            Print(modelName, evaluation, clock.Elapsed);
            if (jsonPath is not null)
            {
                var document = new
                {
                    model = modelName,
                    task = evaluation.Name,
                    primary_metric = $"{evaluation.Name}_{evaluation.PrimaryMetric}",
                    greater_is_better = evaluation.GreaterIsBetter,
                    metrics = evaluation.Prefixed,
                    device = encoder.Device.type.ToString().ToLowerInvariant(),
                    seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                };
                AtomicFile.Write(jsonPath, stream => JsonSerializer.Serialize(stream, document, new JsonSerializerOptions { WriteIndented = true }));
            }
            return Task.FromResult(CommandLine.Success);
        }));
        return command;
    }

    private static void Print(string model, EvaluationResult evaluation, TimeSpan elapsed)
    {
        Console.WriteLine($"{model} · {evaluation.Name} · {elapsed.TotalSeconds:F1} s");
        var width = evaluation.Prefixed.Keys.Max(k => k.Length);
        Console.WriteLine($"  {"metric".PadRight(width)}  value");
        Console.WriteLine($"  {new string('-', width)}  ------");
        foreach (var (name, value) in evaluation.Prefixed)
        {
            var marker = name.EndsWith(evaluation.PrimaryMetric, StringComparison.Ordinal) ? "  ← primary" : "";
            Console.WriteLine($"  {name.PadRight(width)}  {value:F4}{marker}");
        }
    }
}
