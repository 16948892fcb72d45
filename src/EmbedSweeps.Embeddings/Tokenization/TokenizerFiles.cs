using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// What a model folder says about its tokenizer, gathered as transformers' <c>BertTokenizerFast</c> does:
/// the vocabulary from <c>vocab.txt</c> (or, without it, <c>tokenizer.json</c>'s WordPiece model); the
/// normaliser settings from <c>tokenizer.json</c>, overridden by <c>tokenizer_config.json</c>; special and added
/// tokens from <c>tokenizer_config.json</c> (<c>*_token</c>, <c>additional_special_tokens</c>,
/// <c>added_tokens_decoder</c>), <c>special_tokens_map.json</c>, <c>tokenizer.json</c>'s <c>added_tokens</c> and
/// <c>added_tokens.json</c>; and <c>model_max_length</c>.
/// </summary>
internal sealed record TokenizerFiles(
    IReadOnlyList<string> Vocabulary, bool DoLowerCase, bool? StripAccents, bool TokenizeChineseChars,
    string ClsToken, string SepToken, string PadToken, string UnkToken,
    IReadOnlyList<AddedToken> AddedTokens, int? ModelMaxLength)
{
    /// <summary>WordPiece's prefix for a word's later pieces (tokenizer.json's model, else "##").</summary>
    public string ContinuingSubwordPrefix { get; init; } = "##";

    /// <summary>Longer words become [UNK] (tokenizer.json's model, else 100).</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    // transformers' VERY_LARGE_INTEGER (int(1e30)) and anything near it mean "no limit".
    private const double NoLimit = 1e18;
    private static readonly string[] SpecialTokenKeys = ["cls_token", "sep_token", "pad_token", "unk_token", "mask_token"];

    public static TokenizerFiles Read(string directory)
    {
        try
        {
            return ReadUnchecked(directory);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new EmbedSweepsException(
                $"{directory}: a tokenizer file (tokenizer_config.json, tokenizer.json, special_tokens_map.json or added_tokens.json) has a value of the wrong kind ({e.Message}).", e);
        }
    }

    private static TokenizerFiles ReadUnchecked(string directory)
    {
        var vocabPath = Path.Combine(directory, "vocab.txt");
        var fastPath = Path.Combine(directory, "tokenizer.json");
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var fast = JsonFiles.ReadObjectIfExists(fastPath);
        var config = JsonFiles.ReadObjectIfExists(configPath);
        var specialMap = JsonFiles.ReadObjectIfExists(Path.Combine(directory, "special_tokens_map.json"));

        var model = fast?["model"] as JsonObject;
        var modelType = model?["type"]?.GetValue<string>();
        if (fast is not null && modelType != "WordPiece")
            throw new EmbedSweepsException(
                $"{fastPath}: the tokenizer model is {modelType ?? "not named"}; only WordPiece tokenizers (BERT family: vocab.txt or a WordPiece tokenizer.json) are supported.");
        // The fast tokenizer (what transformers loads when tokenizer.json exists) takes its vocabulary from there.
        var vocabulary = model is not null ? ReadVocabObject(model["vocab"] as JsonObject, fastPath)
            : File.Exists(vocabPath) ? ReadVocabFile(vocabPath)
            : throw new EmbedSweepsException($"{vocabPath}: missing, and there is no tokenizer.json; a BERT model directory needs its WordPiece vocabulary.");

        // BertTokenizerFast.__init__ rewrites tokenizer.json's normaliser with tokenizer_config.json's values, or with its
        // own defaults (do_lower_case=True, strip_accents=None, tokenize_chinese_chars=True): those always win.
        var lowerCase = Bool(config, "do_lower_case", configPath) ?? true;
        var stripAccents = Bool(config, "strip_accents", configPath);
        var chinese = Bool(config, "tokenize_chinese_chars", configPath) ?? true;

        string Special(string key, string fallback) => TokenText(config?[key]) ?? TokenText(specialMap?[key]) ?? fallback;
        var files = new TokenizerFiles(vocabulary, lowerCase, stripAccents, chinese,
            Special("cls_token", "[CLS]"), Special("sep_token", "[SEP]"), Special("pad_token", "[PAD]"),
            Special("unk_token", model?["unk_token"]?.GetValue<string>() ?? "[UNK]"),
            [], ReadModelMaxLength(config, configPath))
        {
            ContinuingSubwordPrefix = model?["continuing_subword_prefix"]?.GetValue<string>() ?? "##",
            MaxInputCharsPerWord = model?["max_input_chars_per_word"]?.GetValue<int>() ?? 100,
        };
        return files with { AddedTokens = CollectAddedTokens(directory, vocabulary, config, specialMap, fast, configPath, fastPath) };
    }

    private static IReadOnlyList<string> ReadVocabFile(string path)
    {
        var lines = File.ReadAllLines(path);
        var seen = new Dictionary<string, int>(lines.Length, StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
            if (!seen.TryAdd(lines[i], i))
                throw new EmbedSweepsException(
                    $"{path}:{i + 1}: the token \"{lines[i]}\" repeats line {seen[lines[i]] + 1}; a vocabulary lists each token once (the file is damaged or was edited by hand).");
        return lines;
    }

    private static IReadOnlyList<string> ReadVocabObject(JsonObject? vocab, string path)
    {
        if (vocab is null) throw new EmbedSweepsException($"{path}: the WordPiece model has no \"vocab\" object.");
        var tokens = new string?[vocab.Count];
        foreach (var (token, node) in vocab)
        {
            var id = node is JsonValue value && value.TryGetValue<int>(out var parsed) ? parsed : -1;
            if (id < 0 || id >= tokens.Length)
                throw new EmbedSweepsException($"{path}: the vocabulary gives \"{token}\" the id {node?.ToJsonString()}; ids must be 0..{tokens.Length - 1}.");
            if (tokens[id] is not null)
                throw new EmbedSweepsException($"{path}: the vocabulary gives id {id} to both \"{tokens[id]}\" and \"{token}\".");
            tokens[id] = token;
        }
        return tokens!;
    }

    private static List<AddedToken> CollectAddedTokens(string directory, IReadOnlyList<string> vocabulary, JsonObject? config,
        JsonObject? specialMap, JsonObject? fast, string configPath, string fastPath)
    {
        var byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        var index = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Count; i++) index.TryAdd(vocabulary[i], i);

        // Special tokens named by role: matched exactly when their text is in the vocabulary.
        var named = SpecialTokenKeys.Select(k => TokenText(config?[k]) ?? TokenText(specialMap?[k]) ?? DefaultSpecial(k))
            .Concat(TokenList(config?["additional_special_tokens"])).Concat(TokenList(specialMap?["additional_special_tokens"]));
        foreach (var content in named)
            if (index.TryGetValue(content, out var id)) byContent[content] = new AddedToken(content, id);

        if (fast?["added_tokens"] is JsonArray fastTokens)
            foreach (var node in fastTokens)
                Add(byContent, node as JsonObject, node?["id"], fastPath);
        if (config?["added_tokens_decoder"] is JsonObject decoder)
            foreach (var (id, node) in decoder)
                Add(byContent, node as JsonObject, JsonValue.Create(int.TryParse(id, out var parsed) ? parsed : -1), configPath);

        var legacyPath = Path.Combine(directory, "added_tokens.json");
        if (JsonFiles.ReadObjectIfExists(legacyPath) is { } legacy)
            foreach (var (content, id) in legacy)
                if (!byContent.ContainsKey(content))
                    Add(byContent, new JsonObject { ["content"] = content, ["special"] = false, ["normalized"] = true }, id, legacyPath);
        return byContent.Values.ToList();
    }

    private static void Add(Dictionary<string, AddedToken> tokens, JsonObject? node, JsonNode? idNode, string path)
    {
        var content = node?["content"]?.GetValue<string>();
        var id = idNode is JsonValue value && value.TryGetValue<int>(out var parsed) ? parsed : -1;
        if (content is null || id < 0)
            throw new EmbedSweepsException($"{path}: an added token needs a \"content\" string and a non-negative id ({node?.ToJsonString() ?? "null"}).");
        var special = node!["special"]?.GetValue<bool>() ?? false;
        tokens[content] = new AddedToken(content, id, special,
            Normalized: node["normalized"]?.GetValue<bool>() ?? !special,
            SingleWord: node["single_word"]?.GetValue<bool>() ?? false,
            LeftStrip: node["lstrip"]?.GetValue<bool>() ?? false,
            RightStrip: node["rstrip"]?.GetValue<bool>() ?? false);
    }

    private static int? ReadModelMaxLength(JsonObject? config, string path)
    {
        var node = config?["model_max_length"] ?? config?["max_len"];
        if (node is null) return null;
        if (node is not JsonValue value || !value.TryGetValue<double>(out var length) || length < 2)
            throw new EmbedSweepsException($"{path}: \"model_max_length\" must be a number of tokens of at least 2, not {node.ToJsonString()}.");
        return length >= NoLimit || length > int.MaxValue ? null : (int)length;
    }

    private static string DefaultSpecial(string key) => key switch
    {
        "cls_token" => "[CLS]",
        "sep_token" => "[SEP]",
        "pad_token" => "[PAD]",
        "unk_token" => "[UNK]",
        _ => "[MASK]",
    };

    private static bool? Bool(JsonObject? root, string name, string path) => root?[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        var other => throw new EmbedSweepsException($"{path}: \"{name}\" must be true, false or null, not {other.ToJsonString()}."),
    };

    // Special tokens are either strings or AddedToken objects ({"content": "[CLS]", …}).
    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonObject entry => entry["content"]?.GetValue<string>(),
        _ => null,
    };

    private static IEnumerable<string> TokenList(JsonNode? node) =>
        node is JsonArray array ? array.Select(TokenText).OfType<string>() : [];
}
