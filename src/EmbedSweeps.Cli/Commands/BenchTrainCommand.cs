using System.CommandLine;
using System.Text.Json;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Training;
using EmbedSweeps.Cli.Output;

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
        var json = BenchMeasurements.JsonOption();
        var profile = new Option<bool>("--profile") { Description = "Also report where a timed step's milliseconds go (forward by component, loss, backward, optimizer, copies)." };
        var command = new Command("train", "Measure training throughput: pairs/s (median step), tokens/s, peak RSS.")
        {
            model, data, loss, batchSize, maxSeqLength, steps, warmupSteps, precision, device, json, profile,
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
            var sections = new StepProfile { Recording = untimed == 0 };
            try
            {
                using var active = result.GetValue(profile) ? sections.Activate() : null;
                new Trainer(config, encoder, setup.Loss, examples, null, output, update =>
                {
                    if (update is not TrainingLog log) return;
                    if (log.Step > untimed) rates.Add(log.SamplesPerSecond);
                    sections.Recording = log.Step >= untimed; // from the first timed step on
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
                profile = result.GetValue(profile) ? ProfileReport(sections, rates.Count) : null,
            };
            var text = JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonOutput.Options)
            {
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, // profile only when asked for
            });
            BenchMeasurements.Report(text, jsonPath);
            return Task.FromResult(CommandLine.Success);
        }));
        return command;
    }

    // Mean milliseconds per timed step of each section, and its share of the whole step ("step").
    private static object ProfileReport(StepProfile profile, int timedSteps)
    {
        var sections = profile.Sections;
        var step = sections.FirstOrDefault(s => s.Name == "step").Seconds;
        var perStep = Math.Max(1, timedSteps);
        return new
        {
            note = "Sections nest: \"step\" is the whole step; \"forward\" holds the \"forward: …\" sections, and they hold " +
                   "\"dropout …\"; so shares add up to more than 100 %. Means over the timed steps (median_step_seconds is a median).",
            sections = sections.Select(s => new
            {
                section = s.Name,
                mean_ms_per_step = Math.Round(s.Seconds * 1000 / perStep, 1),
                calls_per_step = Math.Round((double)s.Calls / perStep, 1),
                percent_of_step = step > 0 ? Math.Round(100 * s.Seconds / step, 1) : 0,
            }).ToList(),
        };
    }
}
