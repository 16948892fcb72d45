using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Models;
using EmbedSweeps.Embeddings.Models.Bert;
using EmbedSweeps.Embeddings.Pooling;

namespace EmbedSweeps.Embeddings.Tests;

/// <summary>A randomly initialised 2-layer, 32-wide BERT with the real MiniLM vocabulary: fast enough to train in tests.</summary>
internal static class TinyModel
{
    public static string Create(int seed = 1)
    {
        var directory = SharedFiles.NewTemporaryDirectory();
        var config = new BertConfig
        {
            HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, MaxPositionEmbeddings = 64,
            VocabSize = 30522, Raw = new System.Text.Json.Nodes.JsonObject { ["model_type"] = "bert" },
        };
        TorchSharp.torch.manual_seed(seed);
        using var model = new BertModel(config, withPooler: false);
        config.Save(Path.Combine(directory, "config.json"));
        Safetensors.Save(Path.Combine(directory, Safetensors.FileName), model.named_parameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(p.name, p.parameter)));
        foreach (var file in new[] { "vocab.txt", "tokenizer_config.json" })
            File.Copy(Path.Combine(SharedFiles.MiniLm, file), Path.Combine(directory, file));
        new SentenceTransformerLayout(PoolingConfig.Mean(32), Normalize: true, MaxSeqLength: 32, PoolingFolder: "1_Pooling").Write(directory, 32);
        return directory;
    }
}
