using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// Hugging Face–faithful BERT tokenization: <see cref="BasicTokenizer"/> for the word split,
/// Microsoft.ML.Tokenizers' WordPiece for the sub-words, then [CLS] … [SEP] with truncation that
/// keeps [SEP] (as HF's <c>truncation=True</c> does).
/// </summary>
public sealed class BertTokenizer
{
    private readonly WordPieceTokenizer wordPiece;
    private readonly BasicTokenizer basic;

    private BertTokenizer(WordPieceTokenizer wordPiece, BasicTokenizer basic, IReadOnlyList<string> vocabulary,
        int cls, int sep, int pad, int unk)
    {
        this.wordPiece = wordPiece;
        this.basic = basic;
        Vocabulary = vocabulary;
        ClsId = cls;
        SepId = sep;
        PadId = pad;
        UnkId = unk;
    }

    public IReadOnlyList<string> Vocabulary { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int PadId { get; }
    public int UnkId { get; }
    public bool LowerCase => basic.LowerCase;

    /// <summary>Loads <c>vocab.txt</c> and, when present, <c>tokenizer_config.json</c> from <paramref name="directory"/>.</summary>
    public static BertTokenizer Load(string directory)
    {
        var vocabPath = Path.Combine(directory, "vocab.txt");
        if (!File.Exists(vocabPath))
            throw new EmbedSweepsException($"{vocabPath}: missing; a BERT model directory needs its WordPiece vocabulary.");
        var vocabulary = File.ReadAllLines(vocabPath);

        var settings = TokenizerSettings.Load(Path.Combine(directory, "tokenizer_config.json"));
        var index = new Dictionary<string, int>(vocabulary.Length);
        for (var i = 0; i < vocabulary.Length; i++) index.TryAdd(vocabulary[i], i);
        int Require(string token) => index.TryGetValue(token, out var id)
            ? id
            : throw new EmbedSweepsException($"{vocabPath}: the special token {token} is not in the vocabulary.");

        using var stream = File.OpenRead(vocabPath);
        var wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = settings.UnkToken,
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 100,
        });
        return new BertTokenizer(wordPiece, new BasicTokenizer(settings.DoLowerCase, settings.StripAccents, settings.TokenizeChineseChars),
            vocabulary, Require(settings.ClsToken), Require(settings.SepToken), Require(settings.PadToken), Require(settings.UnkToken));
    }

    /// <summary>Token ids of <paramref name="text"/>, [CLS] … [SEP], at most <paramref name="maxLength"/> ids.</summary>
    public int[] Encode(string text, int maxLength)
    {
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), "room is needed for [CLS] and [SEP]");
        var ids = new List<int>(Math.Min(maxLength, text.Length + 2)) { ClsId };
        var budget = maxLength - 2;
        foreach (var word in basic.Tokenize(text))
        {
            if (ids.Count - 1 >= budget) break;
            ids.AddRange(wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
        }
        if (ids.Count - 1 > budget) ids.RemoveRange(budget + 1, ids.Count - 1 - budget);
        ids.Add(SepId);
        return ids.ToArray();
    }

    private sealed record TokenizerSettings(
        bool DoLowerCase, bool? StripAccents, bool TokenizeChineseChars,
        string ClsToken, string SepToken, string PadToken, string UnkToken)
    {
        public static TokenizerSettings Load(string path)
        {
            // Without tokenizer_config.json, BertTokenizer's own defaults apply (uncased BERT).
            var settings = new TokenizerSettings(true, null, true, "[CLS]", "[SEP]", "[PAD]", "[UNK]");
            if (!File.Exists(path)) return settings;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                var root = document.RootElement;
                return settings with
                {
                    DoLowerCase = Bool(root, "do_lower_case") ?? settings.DoLowerCase,
                    StripAccents = Bool(root, "strip_accents"),
                    TokenizeChineseChars = Bool(root, "tokenize_chinese_chars") ?? true,
                    ClsToken = Token(root, "cls_token") ?? settings.ClsToken,
                    SepToken = Token(root, "sep_token") ?? settings.SepToken,
                    PadToken = Token(root, "pad_token") ?? settings.PadToken,
                    UnkToken = Token(root, "unk_token") ?? settings.UnkToken,
                };
            }
            catch (JsonException e)
            {
                throw new EmbedSweepsException($"{path}: not valid JSON ({e.Message}).", e);
            }
        }

        private static bool? Bool(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? value.GetBoolean()
                : null;

        // Special tokens are either strings or AddedToken objects ({"content": "[CLS]", …}).
        private static string? Token(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var value)) return null;
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
                _ => null,
            };
        }
    }
}
