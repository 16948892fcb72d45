using System.CommandLine;
using System.Text.Json;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps bench train</c>: training-step throughput as JSON (median step after warm-up steps).</summary>
internal static class BenchTrainCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "Training data (nli, stsb, or a file).", DefaultValueFactory = _ => "nli" };
        var loss = new Option<string>("--loss") { Description = "The loss to train.", DefaultValueFactory = _ => "mnrl" };
        var batchSize = CommonOptions.BatchSize();
        var maxSeqLength = CommonOptions.MaxSeqLength();
        var steps = new Option<int>("--steps") { Description = "Timed steps.", DefaultValueFactory = _ => 10 };
        var warmupSteps = new Option<int>("--warmup-steps") { Description = "Untimed steps first.", DefaultValueFactory = _ => 3 };
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16.", DefaultValueFactory = _ => "fp32" };
        var device = CommonOptions.Device();
        var json = new Option<string?>("--json") { Description = "Also write the results to this JSON file." };
        var command = new Command("train", "Measure training throughput: pairs/s (median step), tokens/s, peak RSS.")
        {
            model, data, loss, batchSize, maxSeqLength, steps, warmupSteps, precision, device, json,
        };
        command.SetAction(CommandLine.Guard((result, cancellationToken) =>
        {
            var jsonPath = result.GetValue(json);
            if (jsonPath is not null) AtomicFile.CheckWritable(jsonPath);
            var (timed, untimed) = (result.GetValue(steps), result.GetValue(warmupSteps));
            if (timed < 1 || untimed < 0) throw new EmbedSweepsException("--steps must be at least 1 and --warmup-steps not negative.");
            var config = new TrainingConfig
            {
                Model = result.GetValue(model)!, Data = result.GetValue(data)!, Loss = result.GetValue(loss)!,
                BatchSize = result.GetValue(batchSize), MaxSteps = timed + untimed, MaxSeqLength = result.GetValue(maxSeqLength),
                Precision = result.GetValue(precision)!, LoggingSteps = 1, Evaluator = "none",
            };
            using var setup = TrainingSetup.Create(config, result.GetValue(device)!);
            var (encoder, examples) = (setup.Encoder, setup.Examples);
            var sample = examples.Take(2000).ToList();
            var tokensPerExample = sample.Average(e => e.Texts.Sum(t => (double)encoder.Tokenize(t).Length));

            var rates = new List<double>();
            var output = Path.Combine(Path.GetTempPath(), $"embedsweeps-bench-{Environment.ProcessId}");
            try
            {
                new Trainer(config, encoder, setup.Loss, examples, null, output, update =>
                {
                    if (update is TrainingLog log && log.Step > untimed) rates.Add(log.SamplesPerSecond);
                }).Train(cancellationToken: cancellationToken);
            }
            finally
            {
                if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            }
            var median = BenchMeasurements.Median(rates);
            var report = new
            {
                benchmark = "train",
                model = config.Model,
                loss = config.Loss,
                precision = config.Precision,
                device = encoder.Device.type.ToString().ToLowerInvariant(),
                threads = TorchSharp.torch.get_num_threads(),
                batch_size = config.BatchSize,
                max_seq_length = encoder.MaxSeqLength,
                timed_steps = rates.Count,
                median_step_seconds = Math.Round(config.BatchSize / median, 4),
                pairs_per_second = Math.Round(median, 2),
                tokens_per_second = Math.Round(median * tokensPerExample, 1),
                peak_rss_mb = Math.Round(BenchMeasurements.PeakResidentMegabytes(), 1),
            };
            var text = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
            Console.WriteLine(text);
            if (jsonPath is not null) File.WriteAllText(jsonPath, text);
            return Task.FromResult(CommandLine.Success);
        }));
        return command;
    }
}
