using EmbedSweeps.Embeddings.IO;
using System.Text.Json.Nodes;

namespace EmbedSweeps.Embeddings.Pooling;

/// <summary>
/// sentence-transformers' <c>N_Pooling/config.json</c>, in either form the library writes:
/// the classic one (<c>word_embedding_dimension</c> and one <c>pooling_mode_*_tokens</c> flag per mode; a flag
/// that is absent takes the library's default, so mean pooling is on unless switched off) or the compact
/// one of sentence-transformers 5.4+ (<c>embedding_dimension</c> and <c>pooling_mode</c>: a name or a list of
/// names, concatenated in the list's order). The pooled vector is <see cref="Modes"/>.Count × the width.
/// </summary>
public sealed record PoolingConfig
{
    public int WordEmbeddingDimension { get; init; }

    /// <summary>The modes whose outputs are concatenated, in concatenation order.</summary>
    public IReadOnlyList<PoolingMode> Modes { get; init; } = [PoolingMode.Mean];

    /// <summary>False: prompt tokens (and [CLS]) are left out of the pooled tokens, as for INSTRUCTOR-style models.</summary>
    public bool IncludePrompt { get; init; } = true;

    public static PoolingConfig Mean(int dimension) => new() { WordEmbeddingDimension = dimension };

    public int ModeCount => Modes.Count;
    public bool Has(PoolingMode mode) => Modes.Contains(mode);

    /// <summary>Reads a pooling config; every problem is an <see cref="EmbedSweepsException"/> naming <paramref name="path"/>.</summary>
    public static PoolingConfig Load(string path)
    {
        var raw = JsonFiles.ReadObject(path);
        try
        {
            var dimension = (raw["embedding_dimension"] ?? raw["word_embedding_dimension"])?.GetValue<int>()
                ?? throw new EmbedSweepsException($"{path}: \"embedding_dimension\" (or its old name \"word_embedding_dimension\") is missing.");
            var includePrompt = raw["include_prompt"]?.GetValue<bool>() ?? true;
            if (raw["pooling_mode"] is { } named)
                return new PoolingConfig { WordEmbeddingDimension = dimension, Modes = ParseNamed(named, path), IncludePrompt = includePrompt };

            // The classic form: sentence-transformers passes the file as keyword arguments, so absent flags
            // take Pooling.__init__'s defaults (mean on, the rest off).
            var modes = PoolingModeNames.Flags
                .Where(f => raw[f.Flag]?.GetValue<bool>() ?? f.Mode == PoolingMode.Mean)
                .Select(f => f.Mode).ToList();
            if (modes.Count == 0)
                throw new EmbedSweepsException($"{path}: every pooling_mode_* flag is false; switch one on (e.g. \"pooling_mode_mean_tokens\": true).");
            return new PoolingConfig { WordEmbeddingDimension = dimension, Modes = modes, IncludePrompt = includePrompt };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new EmbedSweepsException($"{path}: a pooling setting has the wrong type ({e.Message}).", e);
        }
    }

    private static List<PoolingMode> ParseNamed(JsonNode node, string path)
    {
        var names = node is JsonArray array ? array.Select(n => n?.GetValue<string>() ?? "").ToList() : [node.GetValue<string>()];
        if (names.Count == 0) throw new EmbedSweepsException($"{path}: \"pooling_mode\" is an empty list; name at least one of {PoolingModeNames.All}.");
        var modes = new List<PoolingMode>();
        foreach (var name in names)
        {
            var mode = PoolingModeNames.Parse(name)
                ?? throw new EmbedSweepsException($"{path}: unknown pooling mode \"{name}\"; valid modes are {PoolingModeNames.All}.");
            modes.Add(mode);
        }
        return modes;
    }

    /// <summary>
    /// True when the classic form can say this config: its flags always concatenate in the library's fixed order,
    /// so a compact list in another order (e.g. ["mean", "cls"]) needs the compact form.
    /// </summary>
    public bool FitsClassicForm => PoolingModeNames.Flags.Select(f => f.Mode).Where(Has).SequenceEqual(Modes);

    /// <summary>
    /// Writes the classic form, which every sentence-transformers release loads; the compact form (5.4+) only
    /// when the classic one cannot express the mode order.
    /// </summary>
    public void Save(string path)
    {
        JsonObject raw;
        if (FitsClassicForm)
        {
            raw = new JsonObject { ["word_embedding_dimension"] = WordEmbeddingDimension };
            foreach (var (mode, flag) in PoolingModeNames.Flags) raw[flag] = Has(mode);
        }
        else
        {
            raw = new JsonObject
            {
                ["embedding_dimension"] = WordEmbeddingDimension,
                ["pooling_mode"] = new JsonArray(Modes.Select(m => (JsonNode)PoolingModeNames.Name(m)).ToArray()),
            };
        }
        raw["include_prompt"] = IncludePrompt;
        File.WriteAllText(path, raw.ToJsonString(JsonFiles.Indented));
    }
}
