using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Pooling;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Models;

public sealed class ModelDirectoryTests
{
    private static readonly string[] Texts = ["A man is playing a guitar.", "北京是中国的首都。", ""];

    private static string CopyOf(string model, params string[] skip) => ModelCopies.CopyOf(model, skip);

    [Fact]
    public void SaveThenLoadEncodesBitIdentically()
    {
        using var original = SentenceEncoder.Load(SharedFiles.MiniLm);
        var saved = SharedFiles.NewTemporaryDirectory();
        original.Save(saved);
        using var reloaded = SentenceEncoder.Load(saved);

        Assert.Equal(original.Encode(Texts), reloaded.Encode(Texts));
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json" })
            Assert.True(File.Exists(Path.Combine(saved, file)), file);
    }

    [Fact]
    public void SavedWeightsHaveTheSameKeysShapesAndDtypeAsTheSource()
    {
        using var original = SentenceEncoder.Load(SharedFiles.Arctic);
        var saved = SharedFiles.NewTemporaryDirectory();
        original.Save(saved);

        var source = Safetensors.Load(Path.Combine(SharedFiles.Arctic, Safetensors.FileName));
        var written = Safetensors.Load(Path.Combine(saved, Safetensors.FileName));
        Assert.Equal(source.Keys.Order(), written.Keys.Order());
        foreach (var (name, tensor) in source)
        {
            Assert.Equal(tensor.shape, written[name].shape);
            Assert.Equal(tensor.dtype, written[name].dtype);
            Assert.True(tensor.eq(written[name]).all().item<bool>(), name);
        }
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "modules.json")))!.AsArray();
        Assert.Equal(["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"],
            modules.Select(m => m!["type"]!.GetValue<string>()));
        Assert.True(JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "1_Pooling", "config.json")))!["pooling_mode_cls_token"]!.GetValue<bool>());
    }

    [Fact]
    public void ShardedCheckpointsWithBertPrefixLoad()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "model.safetensors");
        var weights = Safetensors.Load(Path.Combine(SharedFiles.MiniLm, Safetensors.FileName));
        var names = weights.Keys.Order().ToList();
        var halves = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
        var map = new JsonObject();
        for (var shard = 0; shard < 2; shard++)
        {
            var file = $"model-0000{shard + 1}-of-00002.safetensors";
            Safetensors.Save(Path.Combine(directory, file), halves[shard].Select(n => new KeyValuePair<string, Tensor>("bert." + n, weights[n])));
            foreach (var name in halves[shard]) map["bert." + name] = file;
        }
        File.WriteAllText(Path.Combine(directory, Safetensors.IndexFileName), new JsonObject { ["weight_map"] = map }.ToJsonString());

        using var sharded = SentenceEncoder.Load(directory);
        using var single = SentenceEncoder.Load(SharedFiles.MiniLm);
        Assert.Equal(single.Encode(Texts), sharded.Encode(Texts));
    }

    [Fact]
    public void APlainBertDirectoryGetsMeanPoolingWithoutNormalisation()
    {
        var directory = CopyOf(SharedFiles.Arctic, "modules.json", "1_Pooling/config.json", "sentence_bert_config.json");
        using var plain = SentenceEncoder.Load(directory);
        Assert.Equal([PoolingMode.Mean], plain.Layout.Pooling.Modes);
        Assert.False(plain.Layout.Normalize);
        Assert.Equal(512, plain.MaxSeqLength);
    }

    [Fact]
    public void ExtraCheckpointKeysAreReported()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "model.safetensors");
        var weights = Safetensors.Load(Path.Combine(SharedFiles.MiniLm, Safetensors.FileName));
        weights["cls.predictions.bias"] = zeros(30522);
        weights["embeddings.position_ids"] = arange(512).unsqueeze(0);
        Safetensors.Save(Path.Combine(directory, Safetensors.FileName), weights);

        using var encoder = SentenceEncoder.Load(directory);
        Assert.Equal(["cls.predictions.bias"], encoder.UnexpectedKeys);
    }

    [Fact]
    public void MissingWeightsNameTheDirectory()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "model.safetensors");
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains(directory, error.Message);
        Assert.Contains("model.safetensors", error.Message);
    }

    [Fact]
    public void TruncatedWeightsAreReportedAsCorrupt()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "model.safetensors");
        var bytes = File.ReadAllBytes(Path.Combine(SharedFiles.MiniLm, Safetensors.FileName));
        File.WriteAllBytes(Path.Combine(directory, Safetensors.FileName), bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("not a valid safetensors file", error.Message);
    }

    [Fact]
    public void AVocabularyLargerThanTheEmbeddingMatrixIsRefused()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        File.AppendAllLines(Path.Combine(directory, "vocab.txt"), Enumerable.Range(0, 10).Select(i => $"extra{i}"));
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("vocab.txt", error.Message);
        Assert.Contains("30522", error.Message);
    }

    [Fact]
    public void AShapeMismatchNamesTheTensor()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "config.json")))!;
        config["intermediate_size"] = 1024;
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("intermediate.dense.weight", error.Message);
    }

    [Fact]
    public void BrokenJsonNamesTheFile()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        File.WriteAllText(Path.Combine(directory, "modules.json"), "[{ not json");
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("modules.json", error.Message);
    }
}
