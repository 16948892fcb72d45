using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>Hugging Face <c>BertConfig</c> (config.json); defaults are BERT-base's, as in transformers.</summary>
public sealed record BertConfig
{
    public int VocabSize { get; init; } = 30522;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public string HiddenAct { get; init; } = "gelu";
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12; // BERT's, not PyTorch's 1e-5
    public int PadTokenId { get; init; }
    public string PositionEmbeddingType { get; init; } = "absolute";

    /// <summary>The file as read, so saving keeps keys we do not interpret (architectures, torch_dtype, …).</summary>
    public JsonObject Raw { get; init; } = new();

    public static BertConfig Load(string path)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: missing; a model directory needs config.json.");
        var raw = JsonFiles.ReadObject(path);

        var modelType = raw["model_type"]?.GetValue<string>();
        if (modelType is not null && modelType != "bert")
            throw new EmbedSweepsException($"{path}: model_type is \"{modelType}\"; only BERT-family models (model_type \"bert\") are supported.");

        var defaults = new BertConfig();
        var config = new BertConfig
        {
            VocabSize = Int(raw, "vocab_size", defaults.VocabSize, path),
            HiddenSize = Int(raw, "hidden_size", defaults.HiddenSize, path),
            NumHiddenLayers = Int(raw, "num_hidden_layers", defaults.NumHiddenLayers, path),
            NumAttentionHeads = Int(raw, "num_attention_heads", defaults.NumAttentionHeads, path),
            IntermediateSize = Int(raw, "intermediate_size", defaults.IntermediateSize, path),
            HiddenAct = raw["hidden_act"]?.GetValue<string>() ?? defaults.HiddenAct,
            HiddenDropoutProb = Double(raw, "hidden_dropout_prob", defaults.HiddenDropoutProb, path),
            AttentionProbsDropoutProb = Double(raw, "attention_probs_dropout_prob", defaults.AttentionProbsDropoutProb, path),
            MaxPositionEmbeddings = Int(raw, "max_position_embeddings", defaults.MaxPositionEmbeddings, path),
            TypeVocabSize = Int(raw, "type_vocab_size", defaults.TypeVocabSize, path),
            LayerNormEps = Double(raw, "layer_norm_eps", defaults.LayerNormEps, path),
            PadTokenId = Int(raw, "pad_token_id", 0, path),
            PositionEmbeddingType = raw["position_embedding_type"]?.GetValue<string>() ?? "absolute",
            Raw = raw,
        };
        foreach (var (name, value) in new[] { ("vocab_size", config.VocabSize), ("hidden_size", config.HiddenSize), ("num_hidden_layers", config.NumHiddenLayers),
                     ("num_attention_heads", config.NumAttentionHeads), ("intermediate_size", config.IntermediateSize),
                     ("max_position_embeddings", config.MaxPositionEmbeddings), ("type_vocab_size", config.TypeVocabSize) })
            if (value < 1) throw new EmbedSweepsException($"{path}: \"{name}\" must be positive, not {value}.");
        if (config.HiddenSize % config.NumAttentionHeads != 0)
            throw new EmbedSweepsException($"{path}: hidden_size {config.HiddenSize} is not a multiple of num_attention_heads {config.NumAttentionHeads}.");
        if (config.PositionEmbeddingType != "absolute")
            throw new EmbedSweepsException($"{path}: position_embedding_type \"{config.PositionEmbeddingType}\" is not supported; only \"absolute\" is.");
        _ = Activations.Get(config.HiddenAct, path);
        return config;
    }

    public void Save(string path)
    {
        var raw = (JsonObject)Raw.DeepClone();
        raw["vocab_size"] = VocabSize;
        raw["hidden_size"] = HiddenSize;
        raw["num_hidden_layers"] = NumHiddenLayers;
        raw["num_attention_heads"] = NumAttentionHeads;
        raw["intermediate_size"] = IntermediateSize;
        raw["hidden_act"] = HiddenAct;
        raw["hidden_dropout_prob"] = HiddenDropoutProb;
        raw["attention_probs_dropout_prob"] = AttentionProbsDropoutProb;
        raw["max_position_embeddings"] = MaxPositionEmbeddings;
        raw["type_vocab_size"] = TypeVocabSize;
        raw["layer_norm_eps"] = LayerNormEps;
        raw["pad_token_id"] = PadTokenId;
        raw["model_type"] = "bert";
        raw["architectures"] ??= new JsonArray("BertModel");
        File.WriteAllText(path, raw.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static int Int(JsonObject raw, string name, int fallback, string path)
    {
        var node = raw[name];
        if (node is null) return fallback;
        try { return node.GetValue<int>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new EmbedSweepsException($"{path}: \"{name}\" must be an integer, not {node.ToJsonString()}.");
        }
    }

    private static double Double(JsonObject raw, string name, double fallback, string path)
    {
        var node = raw[name];
        if (node is null) return fallback;
        try { return node.GetValue<double>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new EmbedSweepsException($"{path}: \"{name}\" must be a number, not {node.ToJsonString()}.");
        }
    }
}
