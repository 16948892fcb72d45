using System.Text.Json;
using System.Text.Json.Nodes;

namespace EmbedSweeps.Embeddings.Pooling;

/// <summary>sentence-transformers' <c>1_Pooling/config.json</c>. Several modes may be on: their outputs are concatenated.</summary>
public sealed record PoolingConfig
{
    public int WordEmbeddingDimension { get; init; }
    public bool ClsToken { get; init; }
    public bool MeanTokens { get; init; }
    public bool MaxTokens { get; init; }
    public bool MeanSqrtLenTokens { get; init; }
    public bool LastToken { get; init; }
    public bool IncludePrompt { get; init; } = true;

    public static PoolingConfig Mean(int dimension) => new() { WordEmbeddingDimension = dimension, MeanTokens = true };

    /// <summary>Number of modes switched on; the pooled vector is that many times the word-embedding width.</summary>
    public int ModeCount => (ClsToken ? 1 : 0) + (MeanTokens ? 1 : 0) + (MaxTokens ? 1 : 0) + (MeanSqrtLenTokens ? 1 : 0) + (LastToken ? 1 : 0);

    public static PoolingConfig Load(string path)
    {
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new EmbedSweepsException($"{path}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new EmbedSweepsException($"{path}: not valid JSON ({e.Message}).", e);
        }
        bool Flag(string name) => raw[name]?.GetValue<bool>() ?? false;
        if (Flag("pooling_mode_weightedmean_tokens"))
            throw new EmbedSweepsException($"{path}: pooling_mode_weightedmean_tokens is not supported (valid modes: cls_token, mean_tokens, max_tokens, mean_sqrt_len_tokens, lasttoken).");
        var config = new PoolingConfig
        {
            WordEmbeddingDimension = raw["word_embedding_dimension"]?.GetValue<int>()
                ?? throw new EmbedSweepsException($"{path}: \"word_embedding_dimension\" is missing."),
            ClsToken = Flag("pooling_mode_cls_token"),
            MeanTokens = Flag("pooling_mode_mean_tokens"),
            MaxTokens = Flag("pooling_mode_max_tokens"),
            MeanSqrtLenTokens = Flag("pooling_mode_mean_sqrt_len_tokens"),
            LastToken = Flag("pooling_mode_lasttoken"),
            IncludePrompt = raw["include_prompt"]?.GetValue<bool>() ?? true,
        };
        if (config.ModeCount == 0)
            throw new EmbedSweepsException($"{path}: no pooling mode is switched on (set e.g. \"pooling_mode_mean_tokens\": true).");
        return config;
    }

    public void Save(string path)
    {
        var raw = new JsonObject
        {
            ["word_embedding_dimension"] = WordEmbeddingDimension,
            ["pooling_mode_cls_token"] = ClsToken,
            ["pooling_mode_mean_tokens"] = MeanTokens,
            ["pooling_mode_max_tokens"] = MaxTokens,
            ["pooling_mode_mean_sqrt_len_tokens"] = MeanSqrtLenTokens,
            ["pooling_mode_weightedmean_tokens"] = false,
            ["pooling_mode_lasttoken"] = LastToken,
            ["include_prompt"] = IncludePrompt,
        };
        File.WriteAllText(path, raw.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
