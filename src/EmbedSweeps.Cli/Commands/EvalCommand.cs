using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Cli.Output;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps eval</c>: one task of <see cref="EvaluationTasks"/> — built-in STS-B and MTEB Banking77, or
/// retrieval, sts, pair-classification, triplet and classification on the user's data — with a 95% bootstrap
/// interval for every metric.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var task = new Option<string>("--task", "-t") { Description = $"What to evaluate: {string.Join(", ", EvaluationTasks.Names)}.", Required = true };
        var data = new Option<string?>("--data")
        {
            Description = "The task's data: a BEIR folder (retrieval), a .tsv/.csv/.jsonl/.parquet file (sts, pair-classification, triplet) or a folder with train and test files (classification).",
        };
        var split = new Option<string?>("--split") { Description = "STS-B: validation (default) or test. Banking77: test. Retrieval: the qrels file (default test). Classification: the test file's name (default test)." };
        var name = new Option<string?>("--name") { Description = "Prefix of the metric names (default: the task, or the data's file or folder name)." };
        var truncateDim = new Option<string?>("--truncate-dim") { Description = "Evaluate the first N values of each embedding (Matryoshka); metrics are named NAME_dimN_METRIC." };
        var protocol = new Option<string?>("--protocol") { Description = $"MTEB protocol of classification tasks (banking77, classification): {string.Join(" (default), ", MtebProtocols.Names)}." };
        var json = new Option<string?>("--json") { Description = "Also write the metrics, their intervals (KEY_ci_low, KEY_ci_high) and the time to this JSON file." };
        var batchSize = CommonOptions.BatchSize();
        var device = CommonOptions.Device();
        var command = new Command("eval", "Evaluate a model on a built-in benchmark or your own data, with 95% bootstrap intervals.")
        {
            model, task, data, split, name, truncateDim, protocol, json, batchSize, device,
        };
        command.SetAction(CommandLine.Guard((result, _) =>
        {
            var jsonPath = result.GetValue(json);
            if (jsonPath is not null) AtomicFile.CheckWritable(jsonPath);
            var taskName = result.GetValue(task)!.ToLowerInvariant();
            int? dimension = result.GetValue(truncateDim) is { } text
                ? int.TryParse(text, out var parsed) && parsed > 0 ? parsed : throw new EmbedSweepsException($"--truncate-dim {text}: must be a whole number of dimensions, such as 128.")
                : null;
            if (result.GetValue(protocol) is not null && taskName is not ("banking77" or "classification"))
                throw new EmbedSweepsException($"--protocol applies to the classification tasks (banking77, classification), not to {taskName}.");
            var request = new EvaluationRequest(taskName, result.GetValue(data), result.GetValue(split), result.GetValue(name),
                dimension is { } d ? [d] : null, MtebProtocols.Parse(result.GetValue(protocol) ?? MtebProtocols.Default));
            var evaluator = EvaluationTasks.Create(request, Runtime.Datasets, result.GetValue(batchSize));
            var modelName = result.GetValue(model)!;
            using var encoder = CommonOptions.LoadEncoder(modelName, result.GetValue(device)!);

            var clock = Stopwatch.StartNew();
            var evaluation = evaluator.Evaluate(encoder);
            var evaluationSeconds = clock.Elapsed.TotalSeconds;
            var intervals = evaluation.Intervals();
            clock.Stop();

            Print(modelName, evaluation, intervals, evaluationSeconds, clock.Elapsed.TotalSeconds - evaluationSeconds);
            if (jsonPath is not null)
            {
                var metrics = new Dictionary<string, double>();
                foreach (var (key, value) in evaluation.Prefixed)
                {
                    metrics[key] = value;
                    if (intervals.TryGetValue(key, out var interval)) (metrics[$"{key}_ci_low"], metrics[$"{key}_ci_high"]) = interval;
                }
                var document = new Dictionary<string, object?>
                {
                    ["model"] = modelName,
                    ["task"] = request.Task,
                    ["name"] = evaluation.Name,
                    ["protocol"] = evaluation.Protocol,
                    ["primary_metric"] = $"{evaluation.Name}_{evaluation.PrimaryMetric}",
                    ["greater_is_better"] = evaluation.GreaterIsBetter,
                    ["metrics"] = metrics,
                    ["confidence"] = new Dictionary<string, object> { ["level"] = 0.95, ["method"] = "percentile bootstrap over items", ["resamples"] = Bootstrap.DefaultResamples, ["seed"] = Bootstrap.DefaultSeed },
                    ["device"] = encoder.Device.type.ToString().ToLowerInvariant(),
                    ["seconds"] = Math.Round(evaluationSeconds, 2),
                    ["interval_seconds"] = Math.Round(clock.Elapsed.TotalSeconds - evaluationSeconds, 2),
                };
                // A metric can be NaN (a constant score has no correlation): written as "NaN", as the trial worker does.
                AtomicFile.Write(jsonPath, stream => JsonSerializer.Serialize(stream, document, JsonOutput.Options));
            }
            return Task.FromResult(CommandLine.Success);
        }));
        return command;
    }

    private static void Print(string model, EvaluationResult evaluation, IReadOnlyDictionary<string, (double Low, double High)> intervals,
        double seconds, double intervalSeconds)
    {
        var protocol = evaluation.Protocol is null ? "" : $" · protocol {evaluation.Protocol}";
        Console.WriteLine($"{model} · {evaluation.Name}{protocol} · {seconds:F1} s (+{intervalSeconds:F1} s for the intervals)");
        var width = evaluation.Prefixed.Keys.Max(k => k.Length);
        Console.WriteLine($"  {"metric".PadRight(width)}  value   95% interval");
        Console.WriteLine($"  {new string('-', width)}  ------  ----------------");
        foreach (var (name, value) in evaluation.Prefixed)
        {
            var interval = intervals.TryGetValue(name, out var ci) ? $"[{ci.Low:F4}, {ci.High:F4}]" : "";
            var marker = name == $"{evaluation.Name}_{evaluation.PrimaryMetric}" ? "  ← primary" : "";
            Console.WriteLine($"  {name.PadRight(width)}  {value:F4}  {interval,-16}{marker}");
        }
    }
}
