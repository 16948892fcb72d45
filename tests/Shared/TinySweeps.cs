using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Models;
using EmbedSweeps.Embeddings.Models.Bert;
using EmbedSweeps.Embeddings.Pooling;

namespace EmbedSweeps.Testing;

/// <summary>Sweeps small enough for tests: a tiny random BERT trained for a few steps on STS-B.</summary>
public static class TinySweeps
{
    /// <summary>A randomly initialised 2-layer, 32-wide BERT with the MiniLM vocabulary.</summary>
    public static string TinyModel()
    {
        var directory = TestPaths.NewTemporaryDirectory();
        var config = new BertConfig
        {
            HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, MaxPositionEmbeddings = 64, Raw = new JsonObject { ["model_type"] = "bert" },
        };
        TorchSharp.torch.manual_seed(3);
        using var model = new BertModel(config, withPooler: false);
        config.Save(Path.Combine(directory, "config.json"));
        Safetensors.Save(Path.Combine(directory, Safetensors.FileName), model.named_parameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(p.name, p.parameter)));
        foreach (var file in new[] { "vocab.txt", "tokenizer_config.json" })
            File.Copy(Path.Combine(TestPaths.Shared, "models", "all-MiniLM-L6-v2", file), Path.Combine(directory, file));
        new SentenceTransformerLayout(PoolingConfig.Mean(32), Normalize: true, MaxSeqLength: 32, PoolingFolder: "1_Pooling").Write(directory, 32);
        return directory;
    }

    /// <summary>A 2×2 grid (cosine/cosent × two learning rates) over the tiny model on STS-B, one trial at a time.</summary>
    public static string Write(string folder, string name, int maxSamples, int maxSteps, int concurrent = 1)
    {
        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            objective: {"{"} metric: stsb_validation_spearman_cosine {"}"}
            parameters:
              base_model: {TinyModel()}
              loss: [cosine, cosent]
              learning_rate: [1.0e-4, 1.0e-3]
              batch_size: 8
            data: {"{"} train: stsb, max_samples: {maxSamples} {"}"}
            training: {"{"} max_steps: {maxSteps} {"}"}
            limits: {"{"} max_trials: 4, max_concurrent_trials: {concurrent}, trial_timeout: 5m {"}"}
            """);
        return path;
    }
}
