using System.CommandLine;
using System.Text.Json;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps train</c>: fine-tune a model with one loss on one data set; what a trial runs.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "Training data: nli, stsb, a .tsv/.csv/.jsonl file or a folder with train.tsv.", Required = true };
        var loss = new Option<string>("--loss") { Description = $"The loss: {string.Join(", ", LossFactory.Names)}.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where the trained model, trainer_state.json and checkpoints go.", Required = true };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 2e-5 };
        var warmupSteps = new Option<int?>("--warmup-steps") { Description = "Linear warm-up steps (or --warmup-ratio)." };
        var warmupRatio = new Option<double?>("--warmup-ratio") { Description = "Warm-up as a fraction of all steps." };
        var batchSize = CommonOptions.BatchSize(description: "Training examples per optimizer step (the batch in-batch negatives come from).");
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data (ignored with --max-steps).", DefaultValueFactory = _ => 1 };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop after this many optimizer steps." };
        var evalSteps = new Option<int?>("--eval-steps") { Description = "Evaluate every N steps (always at the end)." };
        var loggingSteps = new Option<int>("--logging-steps") { Description = "Log loss, lr, grad-norm and samples/s every N steps.", DefaultValueFactory = _ => 10 };
        var checkpointSteps = new Option<int?>("--checkpoint-steps") { Description = "Write a resumable checkpoint every N steps." };
        var resume = new Option<string?>("--resume") { Description = "Continue a run from its output directory or a checkpoint folder." };
        var seed = new Option<int>("--seed") { Description = "Seeds data order, negatives and dropout.", DefaultValueFactory = _ => 42 };
        var precision = new Option<string>("--precision") { Description = "fp32, or bf16 compute with fp32 master weights.", DefaultValueFactory = _ => "fp32" };
        var device = CommonOptions.Device();
        var maxSeqLength = CommonOptions.MaxSeqLength();
        var maxSamples = new Option<int?>("--max-samples") { Description = "Use at most this many training examples." };
        var hardNegatives = new Option<bool>("--hard-negatives") { Description = "NLI + mnrl: use the contradiction hypothesis as the negative where one exists." };
        var evaluatorOption = new Option<string>("--evaluator")
        {
            Description = "stsb (validation), stsb-test, banking77, mnli-retrieval, none, or a task on your data as TASK:PATH (retrieval:DIR, sts:FILE, pair-classification:FILE, triplet:FILE, classification:DIR).",
            DefaultValueFactory = _ => "stsb",
        };
        var columns = new Option<string?>("--columns") { Description = "Map roles to your file's columns: sentence1=q,sentence2=d,score=s." };
        var matryoshkaDims = new Option<string?>("--matryoshka-dims") { Description = "Matryoshka losses: dimensions, e.g. 384,256,128,64." };
        var defaults = new TrainingConfig();
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW decoupled weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var maxGradNorm = new Option<double>("--max-grad-norm") { Description = "Clip the gradients' global norm to this.", DefaultValueFactory = _ => defaults.MaxGradNorm };
        var scale = new Option<double>("--scale") { Description = "Similarity scale of mnrl and cosent (and their cached and Matryoshka forms).", DefaultValueFactory = _ => defaults.Scale };
        var miniBatch = new Option<int>("--mini-batch-size") { Description = "cached_mnrl: texts per GradCache mini-batch.", DefaultValueFactory = _ => 32 };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output directory." };
        var jsonProgress = new Option<bool>("--json-progress") { Description = "Print progress as JSON lines on stdout (for trial workers)." };

        var command = new Command("train", "Fine-tune a sentence-embedding model with one loss on one data set.")
        {
            model, data, loss, output, lr, warmupSteps, warmupRatio, batchSize, epochs, maxSteps, evalSteps, loggingSteps,
            checkpointSteps, resume, seed, precision, device, maxSeqLength, maxSamples, hardNegatives, evaluatorOption,
            columns, matryoshkaDims, miniBatch, weightDecay, maxGradNorm, scale, overwrite, jsonProgress,
        };
        command.SetAction(CommandLine.Guard((result, cancellationToken) =>
        {
            var config = new TrainingConfig
            {
                Model = result.GetValue(model)!,
                Data = result.GetValue(data)!,
                Loss = result.GetValue(loss)!.ToLowerInvariant(),
                LearningRate = result.GetValue(lr),
                WarmupSteps = result.GetValue(warmupSteps),
                WarmupRatio = result.GetValue(warmupRatio),
                BatchSize = result.GetValue(batchSize),
                Epochs = result.GetValue(epochs),
                MaxSteps = result.GetValue(maxSteps),
                EvalSteps = result.GetValue(evalSteps),
                LoggingSteps = result.GetValue(loggingSteps),
                CheckpointSteps = result.GetValue(checkpointSteps),
                Seed = result.GetValue(seed),
                Precision = result.GetValue(precision)!.ToLowerInvariant(),
                MaxSeqLength = result.GetValue(maxSeqLength),
                MaxSamples = result.GetValue(maxSamples),
                HardNegatives = result.GetValue(hardNegatives),
                Evaluator = result.GetValue(evaluatorOption)!,
                MiniBatchSize = result.GetValue(miniBatch),
                WeightDecay = result.GetValue(weightDecay),
                MaxGradNorm = result.GetValue(maxGradNorm),
                Scale = result.GetValue(scale),
                MatryoshkaDims = ParseDimensions(result.GetValue(matryoshkaDims)),
            };
            var problems = config.Problems().ToList();
            // The same ranges as a sweep file (one table), once the values make sense at all.
            if (problems.Count == 0) problems.AddRange(TrainingBinding.OutOfRange(config));
            if (problems.Count > 0) throw new EmbedSweepsException(string.Join(" ", problems));

            var outputPath = Path.GetFullPath(result.GetValue(output)!);
            var resumePath = result.GetValue(resume);
            var created = PrepareOutput(outputPath, resumePath, result.GetValue(overwrite));
            try
            {
                return Task.FromResult(Run(config, outputPath, resumePath, result.GetValue(device)!, ParseColumns(result.GetValue(columns)),
                    result.GetValue(jsonProgress), cancellationToken));
            }
            catch
            {
                // Nothing half-written: a run that failed before its first checkpoint leaves no folder behind.
                if (created && !Directory.Exists(Path.Combine(outputPath, Checkpoint.Folder)) && Directory.Exists(outputPath))
                    Directory.Delete(outputPath, recursive: true);
                throw;
            }
        }));
        return command;
    }

    private static int Run(TrainingConfig config, string output, string? resume, string device,
        IReadOnlyDictionary<string, string>? columns, bool jsonProgress, CancellationToken cancellationToken)
    {
        using var setup = TrainingSetup.Create(config, device, columns);
        var evaluator = config.Evaluator.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : Tasks.ByName(config.Evaluator);

        var progress = new TrainingProgress(jsonProgress);
        var trainer = new Trainer(config, setup.Encoder, setup.Loss, setup.Examples, evaluator, output, progress.Report);
        var result = trainer.Train(resume, cancellationToken);
        progress.Complete();

        Console.Error.WriteLine(result.BestMetric is { } best
            ? $"trained {result.Steps} steps; best {result.PrimaryMetric} = {best:F4} at step {result.BestStep}; model saved to {output}"
            : $"trained {result.Steps} steps; model saved to {output}");
        if (jsonProgress)
            Console.WriteLine(JsonSerializer.Serialize(new { @event = "finished", steps = result.Steps, best_metric = result.BestMetric, best_step = result.BestStep, metrics = result.FinalMetrics, output }));
        return CommandLine.Success;
    }

    /// <summary>Creates the output folder, refusing one that holds something other than this run. Returns whether it was created.</summary>
    private static bool PrepareOutput(string output, string? resume, bool overwrite)
    {
        if (File.Exists(output)) throw new EmbedSweepsException($"--output {output}: is a file; give a directory.");
        var exists = Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any();
        var resumingHere = resume is not null && Path.GetFullPath(resume).StartsWith(output, StringComparison.Ordinal);
        if (exists && !resumingHere)
        {
            var previousRun = File.Exists(Path.Combine(output, Trainer.StateFile)) || Directory.Exists(Path.Combine(output, Checkpoint.Folder));
            if (!overwrite)
                throw new EmbedSweepsException(previousRun
                    ? $"--output {output}: holds a previous run; pass --resume {output} to continue it, or --overwrite to replace it."
                    : $"--output {output}: exists and is not a previous run; choose a new directory (or pass --overwrite to replace it).");
            Directory.Delete(output, recursive: true);
        }
        var created = !Directory.Exists(output);
        try
        {
            Directory.CreateDirectory(output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EmbedSweepsException($"--output {output}: cannot be created ({e.Message}).");
        }
        return created;
    }

    private static IReadOnlyList<int>? ParseDimensions(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Select(p => int.TryParse(p, out var d) && d > 0 ? d : throw new EmbedSweepsException($"--matryoshka-dims {text}: \"{p}\" is not a positive integer.")).ToList();
    }

    private static IReadOnlyDictionary<string, string>? ParseColumns(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var parts = pair.Split('=', 2);
            return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
                ? (parts[0], parts[1])
                : throw new EmbedSweepsException($"--columns {text}: \"{pair}\" is not role=column.");
        }).ToDictionary(p => p.Item1, p => p.Item2);
    }
}
