using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Training;

[Collection(TorchRandomCollection.Name)]
public sealed class TrainerTests
{
    private static readonly List<TrainingExample> Pairs = File.ReadLines(Path.Combine(SharedFiles.Data, "stsb", "train.tsv")).Skip(1).Take(200)
        .Select(line => line.Split('\t'))
        .Select(f => new TrainingExample([f[0], f[1]], Score: double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) / 5)).ToList();

    private static readonly TrainingConfig Config = new()
    {
        Loss = "cosine", LearningRate = 1e-3, WarmupSteps = 5, BatchSize = 8, MaxSteps = 40, CheckpointSteps = 20, LoggingSteps = 5, Evaluator = "none",
    };

    private static Dictionary<string, Tensor> Train(string model, TrainingConfig config, string output, string? resume = null, int? stopAt = null)
    {
        using var encoder = SentenceEncoder.Load(model);
        manual_seed(config.Seed);
        using var loss = LossFactory.Create(config.Loss, new LossFactory.Options(encoder.Dimension));
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(config, encoder, loss, Pairs, null, output, update =>
        {
            if (update is CheckpointLog checkpoint && checkpoint.Step == stopAt) cancellation.Cancel();
        });
        try
        {
            trainer.Train(resume, cancellation.Token);
        }
        catch (OperationCanceledException) when (stopAt is not null)
        {
            return [];
        }
        return Safetensors.Load(Path.Combine(output, Safetensors.FileName));
    }

    [Fact]
    public void ResumingFromAStepTwentyCheckpointGivesBitIdenticalWeights()
    {
        var model = TinyModel.Create();
        var straight = Train(model, Config, SharedFiles.NewTemporaryDirectory());

        var interrupted = SharedFiles.NewTemporaryDirectory();
        Train(model, Config, interrupted, stopAt: 20);
        Assert.True(Directory.Exists(Path.Combine(interrupted, "checkpoints", "step-20")));
        var resumed = Train(model, Config, interrupted, resume: interrupted);

        Assert.Equal(straight.Keys.Order(), resumed.Keys.Order());
        foreach (var (name, tensor) in straight)
            Assert.True(tensor.eq(resumed[name]).all().item<bool>(), $"{name} differs after resuming");
        using var initial = SentenceEncoder.Load(model);
        Assert.False(initial.Model.named_parameters().First().parameter.eq(straight[initial.Model.named_parameters().First().name]).all().item<bool>(),
            "training changed nothing");
    }

    [Fact]
    public void ADenseHeadIsTrainedSavedAndResumedExactly()
    {
        // TinyBert → mean pooling → Dense(32→8, tanh) → Normalize, as a user's model with a projection head arrives.
        var model = TinyModel.Create();
        System.IO.File.WriteAllText(Path.Combine(model, "modules.json"),
            Models.LayoutVariantTests.ModulesJson(("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Dense", "Dense"), ("3_Normalize", "Normalize")).ToJsonString());
        Directory.CreateDirectory(Path.Combine(model, "2_Dense"));
        System.IO.File.WriteAllText(Path.Combine(model, "2_Dense", "config.json"),
            """{"in_features": 32, "out_features": 8, "bias": true, "activation_function": "torch.nn.modules.activation.Tanh"}""");
        manual_seed(5);
        using (var weight = randn(8, 32) * 0.1f)
        using (var bias = zeros(8))
            Safetensors.Save(Path.Combine(model, "2_Dense", Safetensors.FileName), [new("linear.weight", weight), new("linear.bias", bias)]);

        var straight = SharedFiles.NewTemporaryDirectory();
        Train(model, Config, straight);
        var interrupted = SharedFiles.NewTemporaryDirectory();
        Train(model, Config, interrupted, stopAt: 20);
        Train(model, Config, interrupted, resume: interrupted);

        var initial = Safetensors.Load(Path.Combine(model, "2_Dense", Safetensors.FileName));
        var trained = Safetensors.Load(Path.Combine(straight, "2_Dense", Safetensors.FileName));
        var resumed = Safetensors.Load(Path.Combine(interrupted, "2_Dense", Safetensors.FileName));
        Assert.False(initial["linear.weight"].eq(trained["linear.weight"]).all().item<bool>(), "the Dense head was not trained");
        Assert.True(trained["linear.weight"].eq(resumed["linear.weight"]).all().item<bool>(), "resuming changed the Dense head");
        using var reloaded = SentenceEncoder.Load(straight);
        Assert.Equal(8, reloaded.Dimension);
    }

    [Fact]
    public void ResumingWithDifferentSettingsIsRefused()
    {
        var model = TinyModel.Create();
        var output = SharedFiles.NewTemporaryDirectory();
        Train(model, Config, output, stopAt: 20);

        var error = Assert.Throws<EmbedSweepsException>(() => Train(model, Config with { LearningRate = 5e-4 }, output, resume: output));
        Assert.Contains("different settings", error.Message);
    }

    [Fact]
    public void TheSameSeedGivesTheSameWeights()
    {
        var model = TinyModel.Create();
        var config = Config with { MaxSteps = 10, CheckpointSteps = null };
        var first = Train(model, config, SharedFiles.NewTemporaryDirectory());
        var second = Train(model, config, SharedFiles.NewTemporaryDirectory());
        foreach (var (name, tensor) in first) Assert.True(tensor.eq(second[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Bf16TrainingKeepsFp32MasterWeights()
    {
        var model = TinyModel.Create();
        var output = SharedFiles.NewTemporaryDirectory();
        var weights = Train(model, Config with { Precision = "bf16", CheckpointSteps = null }, output);
        Assert.All(weights.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
        Assert.True(File.Exists(Path.Combine(output, Trainer.StateFile)));
    }

    [Fact]
    public void CachedMnrlGivesTheSameGradientsAsMnrl()
    {
        var model = TinyModel.Create();
        var triplets = new TrainingBatch(Pairs.Take(12).Select((p, i) => new TrainingExample([p.Texts[0], p.Texts[1], Pairs[100 + i].Texts[1]])).ToList());

        Dictionary<string, Tensor> Gradients(EmbeddingLoss loss)
        {
            using var encoder = SentenceEncoder.Load(model);
            encoder.Model.eval(); // no dropout: the two passes must see the same function
            loss.Backward(texts =>
            {
                var (ids, mask) = Batching.Pad(texts.Select(t => encoder.Tokenizer.Encode(t, 32)).ToList(), encoder.Tokenizer.PadId, CPU);
                return encoder.Forward(ids, mask);
            }, triplets);
            return encoder.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        }

        var plain = Gradients(new MultipleNegativesRankingLoss());
        var cached = Gradients(new CachedMultipleNegativesRankingLoss(miniBatchSize: 5));
        foreach (var (name, gradient) in plain)
        {
            var difference = (gradient - cached[name]).abs().max().item<float>();
            var scale = Math.Max(1e-3f, gradient.abs().max().item<float>());
            Assert.True(difference / scale < 1e-4, $"{name}: relative difference {difference / scale:E2}");
        }
    }

    [Fact]
    public void NoDuplicateBatchesNeverRepeatATextWithinABatch()
    {
        var examples = Enumerable.Range(0, 60).Select(i => new TrainingExample([$"anchor {i % 7}", $"positive {i}"])).ToList();
        var plan = new BatchPlan(examples, batchSize: 5, epochs: 1, maxSteps: null, seed: 3, noDuplicates: true);
        for (var step = 0; step < plan.TotalSteps; step++)
        {
            var texts = plan.Batch(step).SelectMany(i => examples[i].Texts).ToList();
            Assert.Equal(texts.Count, texts.Distinct().Count());
        }
        Assert.Equal(60, Enumerable.Range(0, plan.TotalSteps).Sum(s => plan.Batch(s).Length));
    }

    [Fact]
    public void ABatchLargerThanTheDataIsRefused()
    {
        var error = Assert.Throws<EmbedSweepsException>(() => new BatchPlan(Pairs.Take(4).ToList(), 8, 1, null, 1, false));
        Assert.Contains("--batch-size 8", error.Message);
    }
}
