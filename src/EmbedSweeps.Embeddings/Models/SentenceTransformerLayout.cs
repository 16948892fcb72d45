using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.Pooling;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>
/// What a sentence-transformers directory says about its pipeline: <c>modules.json</c>
/// (Transformer → Pooling → Normalize), <c>sentence_bert_config.json</c> and <c>1_Pooling/config.json</c>.
/// A plain BERT directory (no modules.json) gets mean pooling and no normalisation, as
/// sentence-transformers does.
/// </summary>
public sealed record SentenceTransformerLayout(PoolingConfig Pooling, bool Normalize, int? MaxSeqLength, string PoolingFolder)
{
    private const string TransformerType = "sentence_transformers.models.Transformer";
    private const string PoolingType = "sentence_transformers.models.Pooling";
    private const string NormalizeType = "sentence_transformers.models.Normalize";

    public static SentenceTransformerLayout Read(string directory, int hiddenSize)
    {
        var maxSeqLength = ReadMaxSeqLength(Path.Combine(directory, "sentence_bert_config.json"));
        var modulesPath = Path.Combine(directory, "modules.json");
        if (!File.Exists(modulesPath)) return new(PoolingConfig.Mean(hiddenSize), false, maxSeqLength, "1_Pooling");

        JsonArray modules;
        try
        {
            modules = JsonNode.Parse(File.ReadAllText(modulesPath)) as JsonArray
                ?? throw new EmbedSweepsException($"{modulesPath}: expected a JSON array of modules.");
        }
        catch (JsonException e)
        {
            throw new EmbedSweepsException($"{modulesPath}: not valid JSON ({e.Message}).", e);
        }

        PoolingConfig? pooling = null;
        var poolingFolder = "1_Pooling";
        var normalize = false;
        for (var i = 0; i < modules.Count; i++)
        {
            var type = modules[i]?["type"]?.GetValue<string>() ?? "";
            var path = modules[i]?["path"]?.GetValue<string>() ?? "";
            var expected = i switch { 0 => TransformerType, 1 => PoolingType, _ => NormalizeType };
            if (type != expected || i > 2)
                throw new EmbedSweepsException(
                    $"{modulesPath}: module {i} is {(type == "" ? "untyped" : type)}; supported pipelines are Transformer → Pooling [→ Normalize].");
            if (type == PoolingType)
            {
                if (path.Contains("..") || Path.IsPathRooted(path))
                    throw new EmbedSweepsException($"{modulesPath}: module path \"{path}\" must stay inside the model directory.");
                poolingFolder = path;
                var configPath = Path.Combine(directory, path, "config.json");
                pooling = File.Exists(configPath)
                    ? PoolingConfig.Load(configPath)
                    : throw new EmbedSweepsException($"{configPath}: missing; modules.json names a Pooling module there.");
                if (pooling.WordEmbeddingDimension != hiddenSize)
                    throw new EmbedSweepsException($"{configPath}: word_embedding_dimension {pooling.WordEmbeddingDimension} does not match the transformer's hidden_size {hiddenSize}.");
            }
            if (type == NormalizeType) normalize = true;
        }
        return new(pooling ?? PoolingConfig.Mean(hiddenSize), normalize, maxSeqLength, poolingFolder);
    }

    /// <summary>Writes modules.json, sentence_bert_config.json and the pooling config.</summary>
    public void Write(string directory, int maxSeqLength)
    {
        var modules = new JsonArray
        {
            new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = TransformerType },
            new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = PoolingFolder, ["type"] = PoolingType },
        };
        if (Normalize) modules.Add(new JsonObject { ["idx"] = 2, ["name"] = "2", ["path"] = "2_Normalize", ["type"] = NormalizeType });
        var indented = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(directory, "modules.json"), modules.ToJsonString(indented));
        File.WriteAllText(Path.Combine(directory, "sentence_bert_config.json"),
            new JsonObject { ["max_seq_length"] = maxSeqLength, ["do_lower_case"] = false }.ToJsonString(indented));
        Directory.CreateDirectory(Path.Combine(directory, PoolingFolder));
        Pooling.Save(Path.Combine(directory, PoolingFolder, "config.json"));
    }

    private static int? ReadMaxSeqLength(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["max_seq_length"]?.GetValue<int>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new EmbedSweepsException($"{path}: \"max_seq_length\" must be an integer ({e.Message}).", e);
        }
    }
}
