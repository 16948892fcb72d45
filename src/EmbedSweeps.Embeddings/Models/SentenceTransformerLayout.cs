using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Pooling;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>A module after pooling: a Dense layer (its folder holds config and weights) or L2 normalisation.</summary>
public sealed record HeadModule(ModuleKind Kind, string Folder);

/// <summary>
/// What a sentence-transformers directory says about its pipeline: <c>modules.json</c> (Transformer → Pooling →
/// any sequence of Dense and Normalize), the transformer's <c>sentence_bert_config.json</c> and the pooling config.
/// A plain BERT directory (no modules.json) gets mean pooling and no normalisation, as sentence-transformers does.
/// </summary>
public sealed record SentenceTransformerLayout(
    string TransformerFolder, PoolingConfig Pooling, IReadOnlyList<HeadModule> Head, int? MaxSeqLength, bool DoLowerCase)
{
    public const string ModulesFile = "modules.json";
    public const string SentenceBertConfigFile = "sentence_bert_config.json";

    /// <summary>The classic layout of a Transformer → mean Pooling [→ Normalize] model (what TinyBert writes).</summary>
    public static SentenceTransformerLayout Simple(PoolingConfig pooling, bool normalize, int? maxSeqLength) =>
        new("", pooling, normalize ? [new HeadModule(ModuleKind.Normalize, "")] : [], maxSeqLength, false);

    public bool Normalize => Head.Count > 0 && Head[^1].Kind == ModuleKind.Normalize;

    /// <summary>Reads the pipeline of <paramref name="directory"/>; <paramref name="hiddenSize"/> is read from the transformer's config.json.</summary>
    public static SentenceTransformerLayout Read(string directory, Func<string, int> hiddenSize)
    {
        var modulesPath = Path.Combine(directory, ModulesFile);
        if (!File.Exists(modulesPath))
        {
            var (plainMax, plainLower) = ReadSentenceBertConfig(directory);
            return new("", PoolingConfig.Mean(hiddenSize(directory)), [], plainMax, plainLower);
        }

        var modules = JsonFiles.ReadArray(modulesPath);
        string? transformer = null;
        PoolingConfig? pooling = null;
        var head = new List<HeadModule>();
        for (var i = 0; i < modules.Count; i++)
        {
            var (kind, path, type) = ReadEntry(modules[i], i, modulesPath);
            var folder = Path.Combine(directory, path);
            var expectation = transformer is null ? "the first module must be the Transformer"
                : pooling is null ? "the module after the Transformer must be Pooling"
                : null;
            var allowed = transformer is null ? kind == ModuleKind.Transformer
                : pooling is null ? kind == ModuleKind.Pooling
                : kind is ModuleKind.Dense or ModuleKind.Normalize;
            if (!allowed)
                throw new EmbedSweepsException(
                    $"{modulesPath}: module {i} is {type}; {expectation ?? "after Pooling only Dense and Normalize modules may follow"} (supported pipelines: Transformer → Pooling → any Dense/Normalize).");
            switch (kind)
            {
                case ModuleKind.Transformer:
                    transformer = path;
                    break;
                case ModuleKind.Pooling:
                    var configPath = Path.Combine(folder, "config.json");
                    if (!File.Exists(configPath)) throw new EmbedSweepsException($"{configPath}: missing; modules.json names a Pooling module there.");
                    pooling = PoolingConfig.Load(configPath);
                    var width = hiddenSize(Path.Combine(directory, transformer!));
                    if (pooling.WordEmbeddingDimension != width)
                        throw new EmbedSweepsException($"{configPath}: embedding_dimension {pooling.WordEmbeddingDimension} does not match the transformer's hidden_size {width}.");
                    break;
                default:
                    head.Add(new HeadModule(kind, path));
                    break;
            }
        }
        if (transformer is null || pooling is null)
            throw new EmbedSweepsException($"{modulesPath}: the pipeline has no {(transformer is null ? "Transformer" : "Pooling")} module; a sentence encoder needs Transformer → Pooling.");
        var (maxSeqLength, lowerCase) = ReadSentenceBertConfig(Path.Combine(directory, transformer));
        return new(transformer, pooling, head, maxSeqLength, lowerCase);
    }

    private static (ModuleKind Kind, string Path, string Type) ReadEntry(JsonNode? node, int index, string modulesPath)
    {
        var entry = node as JsonObject;
        var type = entry?["type"] is JsonValue t && t.TryGetValue<string>(out var typeName) ? typeName : null;
        var path = entry?["path"] is JsonValue p && p.TryGetValue<string>(out var pathName) ? pathName : null;
        if (type is null || path is null)
            throw new EmbedSweepsException($"{modulesPath}: module {index} needs a \"type\" and a \"path\" string.");
        if (path.Split('/', '\\').Contains("..") || Path.IsPathRooted(path))
            throw new EmbedSweepsException($"{modulesPath}: module path \"{path}\" must stay inside the model directory.");
        var kind = ModuleTypes.Recognise(type)
            ?? throw new EmbedSweepsException(
                $"{modulesPath}: module {index} ({(path == "" ? "top folder" : path)}) has type {type}, which is not supported; EmbedSweeps runs sentence-transformers' Transformer (BERT family), Pooling, Dense and Normalize modules.");
        return (kind, path, type);
    }

    private static (int? MaxSeqLength, bool DoLowerCase) ReadSentenceBertConfig(string folder)
    {
        var path = Path.Combine(folder, SentenceBertConfigFile);
        var raw = JsonFiles.ReadObjectIfExists(path);
        if (raw is null) return (null, false);
        int? maxSeqLength = raw["max_seq_length"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var n) && n >= 2 => n,
            var other => throw new EmbedSweepsException($"{path}: \"max_seq_length\" must be an integer of at least 2 or null, not {other.ToJsonString()}."),
        };
        var lowerCase = raw["do_lower_case"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var flag) => flag,
            var other => throw new EmbedSweepsException($"{path}: \"do_lower_case\" must be true or false, not {other.ToJsonString()}."),
        };
        return (maxSeqLength, lowerCase);
    }

    /// <summary>
    /// Writes modules.json, sentence_bert_config.json and the pooling config in the classic layout (the transformer
    /// at the top, then <c>1_Pooling</c>, <c>2_Dense</c>, …). Returns the folder each head module is written to,
    /// in order, so the caller can save Dense weights there.
    /// </summary>
    public IReadOnlyList<string> Write(string directory, int maxSeqLength)
    {
        var modules = new JsonArray
        {
            Entry(0, "", ModuleKind.Transformer),
            Entry(1, "1_Pooling", ModuleKind.Pooling),
        };
        var folders = new List<string>();
        for (var i = 0; i < Head.Count; i++)
        {
            var index = i + 2;
            var folder = $"{index}_{Head[i].Kind}";
            modules.Add(Entry(index, folder, Head[i].Kind));
            folders.Add(folder);
            Directory.CreateDirectory(Path.Combine(directory, folder));
        }
        File.WriteAllText(Path.Combine(directory, ModulesFile), modules.ToJsonString(JsonFiles.Indented));
        File.WriteAllText(Path.Combine(directory, SentenceBertConfigFile),
            new JsonObject { ["max_seq_length"] = maxSeqLength, ["do_lower_case"] = DoLowerCase }.ToJsonString(JsonFiles.Indented));
        Directory.CreateDirectory(Path.Combine(directory, "1_Pooling"));
        Pooling.Save(Path.Combine(directory, "1_Pooling", "config.json"));
        return folders;
    }

    private static JsonObject Entry(int index, string path, ModuleKind kind) =>
        new() { ["idx"] = index, ["name"] = index.ToString(), ["path"] = path, ["type"] = ModuleTypes.ClassicName(kind) };
}
