using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Models.Bert;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// The training loop, readable in one sitting: for each step, embed the batch, back-propagate the
/// loss, clip the gradient norm, update with AdamW at the scheduled learning rate; log, evaluate and
/// checkpoint on their schedules; keep the best model by the evaluator's primary metric.
/// With bf16, a bf16 copy of the model computes forward and backward while fp32 master weights
/// take the updates (TorchSharp has no autocast, so this is done by hand).
/// </summary>
public sealed class Trainer(
    TrainingConfig config, SentenceEncoder encoder, EmbeddingLoss loss, IReadOnlyList<TrainingExample> examples,
    ISentenceEvaluator? evaluator, string outputDirectory, Action<TrainingEvent>? report = null)
{
    public const string StateFile = "trainer_state.json";
    private const string BestFolder = "best";
    private readonly Dictionary<string, int[]> tokenCache = new(StringComparer.Ordinal);

    /// <summary>What a run ended with; <see cref="LastEvaluation"/> is the last evaluation of the model in memory (null without an evaluator).</summary>
    public sealed record Result(int Steps, double? BestMetric, int? BestStep, string? PrimaryMetric, IReadOnlyDictionary<string, double> FinalMetrics)
    {
        public EvaluationResult? LastEvaluation { get; init; }
    }

    public Result Train(string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        var problems = config.Problems().ToList();
        if (problems.Count > 0) throw new EmbedSweepsException(string.Join(" ", problems));
        if (config.MaxSeqLength is { } limit) encoder.MaxSeqLength = limit;
        Directory.CreateDirectory(outputDirectory);
        manual_seed(config.Seed);

        // In-batch-negative losses (anchor, positive rows) need batches without repeated texts.
        var plan = new BatchPlan(examples, config.BatchSize, config.Epochs, config.MaxSteps, config.Seed,
            noDuplicates: loss.Input == Data.TrainingRecipes.Shape.AnchorPositive);
        var warmup = LearningRateSchedule.WarmupSteps(config.WarmupSteps, config.WarmupRatio, plan.TotalSteps);

        var master = encoder.Model;
        using var compute = config.Precision == "bf16" ? master.CopyAs(ScalarType.BFloat16) : null;
        var computeModel = compute ?? master;
        var parameters = master.named_parameters().Select(p => (p.name, p.parameter))
            .Concat(encoder.HeadParameters)
            .Concat(loss.Parameters.Select(p => ("loss." + p.Name, p.Parameter))).ToList();
        using var optimizer = new AdamW(parameters, config.WeightDecay);

        var history = new JsonArray();
        double? best = null;
        int? bestStep = null;
        var start = 0;
        var fingerprint = config.Fingerprint();
        if (resumeFrom is not null)
        {
            (start, best, bestStep, history) = Resume(resumeFrom, fingerprint, parameters, optimizer);
            compute?.CopyParametersFrom(master);
        }

        report?.Invoke(new TrainingStarted(start, plan.TotalSteps, plan.Epoch(start), examples.Count, warmup));
        var clock = Stopwatch.StartNew();
        var evalSeconds = 0.0;
        var lossSum = 0.0;
        var lossCount = 0;
        var samplesSinceLog = 0;
        var logClock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> lastMetrics = new Dictionary<string, double>();
        EvaluationResult? lastEvaluation = null;

        for (var step = start; step < plan.TotalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var learningRate = LearningRateSchedule.At(step, config.LearningRate, warmup, plan.TotalSteps);
            double value, gradNorm;
            using (var scope = NewDisposeScope())
            {
                computeModel.train();
                var batch = new TrainingBatch(plan.Batch(step).Select(i => examples[i]).ToList());
                using var stepSection = StepProfile.Time("step");
                value = loss.Backward(texts => Embed(computeModel, texts), batch);
                using (StepProfile.Time("gradients bf16 → fp32"))
                    if (compute is not null) MoveGradients(compute, master);
                using (StepProfile.Time("clip_grad_norm"))
                    gradNorm = nn.utils.clip_grad_norm_(parameters.Select(p => p.Item2), config.MaxGradNorm);
                using (StepProfile.Time("optimizer (AdamW)"))
                {
                    optimizer.Update(learningRate);
                    foreach (var (_, parameter) in parameters) parameter.grad = null;
                }
                using (StepProfile.Time("weights fp32 → bf16"))
                    if (compute is not null) compute.CopyParametersFrom(master);
            }
            if (!double.IsFinite(value))
                throw new EmbedSweepsException($"training diverged at step {step + 1}: the loss is {value}; lower {SettingNames.Of("learning_rate")} or use {SettingNames.Of("precision")} fp32.");

            var done = step + 1;
            lossSum += value;
            lossCount++;
            samplesSinceLog += plan.Batch(step).Length;
            if (done % config.LoggingSteps == 0 || done == plan.TotalSteps)
            {
                var log = new TrainingLog(done, plan.TotalSteps, plan.Epoch(done), lossSum / lossCount, learningRate, gradNorm,
                    samplesSinceLog / logClock.Elapsed.TotalSeconds);
                history.Add(JsonSerializer.SerializeToNode(log, TrainingConfig.Json));
                report?.Invoke(log);
                (lossSum, lossCount, samplesSinceLog) = (0, 0, 0);
                logClock.Restart();
            }

            if (evaluator is not null && ((config.EvalSteps is { } every && done % every == 0) || done == plan.TotalSteps))
            {
                var evalClock = Stopwatch.StartNew();
                var evaluation = evaluator.Evaluate(encoder);
                lastEvaluation = evaluation;
                evalSeconds += evalClock.Elapsed.TotalSeconds;
                lastMetrics = evaluation.Prefixed;
                var primary = evaluation.Primary;
                var isBest = best is null || (evaluation.GreaterIsBetter ? primary > best : primary < best);
                if (isBest)
                {
                    (best, bestStep) = (primary, done);
                    SaveModel(Path.Combine(outputDirectory, Checkpoint.Folder, BestFolder));
                }
                var log = new EvaluationLog(done, plan.TotalSteps, plan.Epoch(done), evaluation.Prefixed, $"{evaluation.Name}_{evaluation.PrimaryMetric}", isBest);
                history.Add(JsonSerializer.SerializeToNode(log, TrainingConfig.Json));
                report?.Invoke(log);
                logClock.Restart();
            }

            if (config.CheckpointSteps is { } checkpointEvery && done % checkpointEvery == 0 && done < plan.TotalSteps)
            {
                var path = Checkpoint.Save(outputDirectory, new Checkpoint.State(done, fingerprint, best, bestStep, history),
                    parameters.Select(p => new KeyValuePair<string, Tensor>(p.Item1, p.Item2)), optimizer.State(), config);
                report?.Invoke(new CheckpointLog(done, plan.TotalSteps, plan.Epoch(done), path));
                logClock.Restart();
            }
        }

        var primaryMetric = history.OfType<JsonObject>().LastOrDefault(h => h.ContainsKey("primary_metric"))?["primary_metric"]?.GetValue<string>();
        Finish(bestStep, plan.TotalSteps, history, best, primaryMetric, clock.Elapsed.TotalSeconds, evalSeconds);
        return new Result(plan.TotalSteps, best, bestStep, primaryMetric, lastMetrics) { LastEvaluation = lastEvaluation };
    }

    /// <summary>Writes the output model (the best by the primary metric, else the last) and trainer_state.json.</summary>
    private void Finish(int? bestStep, int totalSteps, JsonArray history, double? best, string? primaryMetric, double seconds, double evalSeconds)
    {
        var staging = Path.Combine(outputDirectory, ".final.partial");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        var bestFolder = Path.Combine(outputDirectory, Checkpoint.Folder, BestFolder);
        if (bestStep is not null && Directory.Exists(bestFolder)) CopyDirectory(bestFolder, staging);
        else SaveModel(staging);

        var state = new JsonObject
        {
            ["config"] = JsonSerializer.SerializeToNode(config, TrainingConfig.Json),
            ["fingerprint"] = config.Fingerprint(),
            ["loss"] = loss.Name,
            ["loss_hyperparameters"] = JsonSerializer.SerializeToNode(loss.Hyperparameters),
            ["global_step"] = totalSteps,
            ["primary_metric"] = primaryMetric,
            ["best_metric"] = best,
            ["best_step"] = bestStep,
            ["saved_model_step"] = bestStep ?? totalSteps,
            ["timings"] = new JsonObject { ["train_seconds"] = Math.Round(seconds - evalSeconds, 2), ["eval_seconds"] = Math.Round(evalSeconds, 2) },
            ["log_history"] = history.DeepClone(),
        };
        File.WriteAllText(Path.Combine(staging, StateFile), state.ToJsonString(TrainingConfig.Json));
        foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(outputDirectory, Path.GetRelativePath(staging, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
        }
        Directory.Delete(staging, recursive: true);
        if (Directory.Exists(bestFolder)) Directory.Delete(bestFolder, recursive: true); // now the output root
    }

    private (int Step, double? Best, int? BestStep, JsonArray History) Resume(
        string from, string fingerprint, List<(string, Parameter)> parameters, AdamW optimizer)
    {
        var checkpoint = Checkpoint.Locate(from);
        var (state, weights, moments) = Checkpoint.Load(checkpoint);
        try
        {
            if (state.Fingerprint != fingerprint)
                throw new EmbedSweepsException(
                    $"--resume {from}: the checkpoint was written by a run with different settings ({Checkpoint.ConfigOf(checkpoint)}); resume with the same model, data, loss and hyperparameters, or start a new run.");
            using (no_grad())
            {
                foreach (var (name, parameter) in parameters)
                {
                    if (!weights.TryGetValue(name, out var saved))
                        throw new EmbedSweepsException($"{checkpoint}: lacks the weights of {name}.");
                    parameter.copy_(saved);
                }
            }
            optimizer.Restore(state.Step, moments, checkpoint);
            return (state.Step, state.BestMetric, state.BestStep, state.History);
        }
        finally
        {
            foreach (var tensor in weights.Values.Concat(moments.Values)) tensor.Dispose();
        }
    }

    /// <summary>Sentence embeddings of <paramref name="texts"/> from <paramref name="model"/>, as float32 for the loss.</summary>
    private Tensor Embed(BertModel model, IReadOnlyList<string> texts)
    {
        Tensor inputIds, mask;
        using (StepProfile.Time("tokenize + pad"))
        {
            var ids = texts.Select(text =>
            {
                if (!tokenCache.TryGetValue(text, out var tokens)) tokenCache[text] = tokens = encoder.Tokenize(text);
                return tokens;
            }).ToList();
            (inputIds, mask) = Batching.Pad(ids, encoder.Tokenizer.PadId, encoder.Device);
        }
        using var _ = StepProfile.Time("forward");
        using (inputIds)
        using (mask)
        using (var embedded = encoder.Forward(model, inputIds, mask))
            return embedded.to_type(ScalarType.Float32);
    }

    // bf16 gradients become the fp32 master's; the bf16 copy's are dropped.
    private static void MoveGradients(BertModel compute, BertModel master)
    {
        foreach (var ((_, from), (_, to)) in compute.named_parameters().Zip(master.named_parameters()))
        {
            if (from.grad is null) continue;
            to.grad = from.grad.to_type(ScalarType.Float32);
            from.grad = null;
        }
    }

    private void SaveModel(string directory)
    {
        var partial = directory + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        encoder.Save(partial);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(partial, directory);
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
