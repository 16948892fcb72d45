using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Models.Bert;
using EmbedSweeps.Embeddings.Pooling;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>
/// A randomly initialised, very small BERT (2 layers, 32 wide) in sentence-transformers layout, with the
/// vocabulary of a real model: what tests and cluster benchmarks train when the model is not the point.
/// </summary>
public static class TinyBert
{
    public static void Create(string directory, string vocabularyFrom, long seed = 3)
    {
        Directory.CreateDirectory(directory);
        var config = new BertConfig
        {
            HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, MaxPositionEmbeddings = 64, Raw = new JsonObject { ["model_type"] = "bert" },
        };
        TorchSharp.torch.manual_seed(seed);
        using var model = new BertModel(config, withPooler: false);
        config.Save(Path.Combine(directory, "config.json"));
        Safetensors.Save(Path.Combine(directory, Safetensors.FileName), model.named_parameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(p.name, p.parameter)));
        foreach (var file in new[] { "vocab.txt", "tokenizer_config.json" })
            File.Copy(Path.Combine(vocabularyFrom, file), Path.Combine(directory, file), overwrite: true);
        SentenceTransformerLayout.Simple(PoolingConfig.Mean(32), normalize: true, maxSeqLength: 32).Write(directory, 32);
    }
}
