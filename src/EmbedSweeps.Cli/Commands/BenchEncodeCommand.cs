using System.CommandLine;
using System.Diagnostics;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Cli.Output;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps bench encode</c>: encoding throughput as JSON (a benchmark, not a test).</summary>
internal static class BenchEncodeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var input = new Option<string>("--input", "-i") { Description = "Texts (.jsonl or .txt) to encode each run.", Required = true };
        var json = BenchMeasurements.JsonOption();
        var runs = new Option<int>("--runs") { Description = "Timed runs after one warm-up; the median is reported.", DefaultValueFactory = _ => 5 };
        var batchSize = CommonOptions.BatchSize();
        var device = CommonOptions.Device();
        var maxSeqLength = CommonOptions.MaxSeqLength();
        var encode = new Command("encode", "Measure encoding throughput: sentences/s (median of runs), tokens/s, peak RSS.")
        {
            model, input, json, runs, batchSize, device, maxSeqLength,
        };
        encode.SetAction(CommandLine.Guard((result, _) =>
        {
            var jsonPath = result.GetValue(json);
            if (jsonPath is not null) AtomicFile.CheckWritable(jsonPath);
            if (result.GetValue(runs) < 1) throw new EmbedSweepsException("--runs must be at least 1.");
            var texts = TextInput.Read(result.GetValue(input)!);
            using var encoder = CommonOptions.LoadEncoder(result.GetValue(model)!, result.GetValue(device)!, result.GetValue(maxSeqLength));
            var size = result.GetValue(batchSize);
            var tokens = texts.Sum(t => (long)encoder.Tokenize(t).Length);

            encoder.Encode(texts, size); // warm-up: first-call allocations and kernel selection
            var seconds = new List<double>();
            for (var run = 0; run < result.GetValue(runs); run++)
            {
                var clock = Stopwatch.StartNew();
                encoder.Encode(texts, size);
                seconds.Add(clock.Elapsed.TotalSeconds);
            }
            var median = BenchMeasurements.Median(seconds);
            var report = new
            {
                benchmark = "encode",
                model = result.GetValue(model),
                device = encoder.Device.type.ToString().ToLowerInvariant(),
                threads = TorchSharp.torch.get_num_threads(),
                texts = texts.Count,
                tokens,
                batch_size = size,
                max_seq_length = encoder.MaxSeqLength,
                runs = seconds.Count,
                median_seconds = Math.Round(median, 4),
                sentences_per_second = Math.Round(texts.Count / median, 1),
                tokens_per_second = Math.Round(tokens / median, 1),
                peak_rss_mb = Math.Round(BenchMeasurements.PeakResidentMegabytes(), 1),
            };
            var text = JsonOutput.Serialize(report);
            BenchMeasurements.Report(text, jsonPath);
            return Task.FromResult(CommandLine.Success);
        }));
        return encode;
    }
}
