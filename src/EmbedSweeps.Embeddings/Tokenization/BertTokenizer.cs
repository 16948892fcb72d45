using System.Text;
using Microsoft.ML.Tokenizers;

namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// Hugging Face–faithful BERT tokenization: added and special tokens typed into the text are matched first
/// (<see cref="AddedTokenSplitter"/>), the rest goes through <see cref="BasicTokenizer"/> for the word split and
/// Microsoft.ML.Tokenizers' WordPiece for the sub-words, then [CLS] … [SEP] with truncation that keeps [SEP]
/// (as HF's <c>truncation=True</c> does).
/// </summary>
public sealed class BertTokenizer
{
    private readonly WordPieceTokenizer wordPiece;
    private readonly BasicTokenizer basic;
    private readonly AddedTokenSplitter addedTokens;

    private BertTokenizer(WordPieceTokenizer wordPiece, BasicTokenizer basic, AddedTokenSplitter addedTokens,
        IReadOnlyList<string> vocabulary, int cls, int sep, int pad, int unk, int? modelMaxLength)
    {
        this.wordPiece = wordPiece;
        this.basic = basic;
        this.addedTokens = addedTokens;
        Vocabulary = vocabulary;
        ClsId = cls;
        SepId = sep;
        PadId = pad;
        UnkId = unk;
        ModelMaxLength = modelMaxLength;
    }

    public IReadOnlyList<string> Vocabulary { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int PadId { get; }
    public int UnkId { get; }
    public bool LowerCase => basic.LowerCase;

    /// <summary>The largest id this tokenizer can produce (vocabulary and added tokens); it must have a row in the embedding matrix.</summary>
    public int MaxTokenId { get; private init; }

    /// <summary>tokenizer_config.json's <c>model_max_length</c>, or null when it sets none (or the "no limit" sentinel).</summary>
    public int? ModelMaxLength { get; }

    /// <summary>Loads the tokenizer files of <paramref name="directory"/> (see <see cref="TokenizerFiles"/>).</summary>
    public static BertTokenizer Load(string directory)
    {
        var files = TokenizerFiles.Read(directory);
        var index = new Dictionary<string, int>(files.Vocabulary.Count, StringComparer.Ordinal);
        for (var i = 0; i < files.Vocabulary.Count; i++) index.TryAdd(files.Vocabulary[i], i);
        int Require(string token) => index.TryGetValue(token, out var id)
            ? id
            : throw new EmbedSweepsException($"{Path.Combine(directory, "vocab.txt")}: the special token {token} is not in the vocabulary.");

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', files.Vocabulary)));
        var wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = files.UnkToken,
            ContinuingSubwordPrefix = files.ContinuingSubwordPrefix,
            MaxInputCharsPerWord = files.MaxInputCharsPerWord,
        });
        var basic = new BasicTokenizer(files.DoLowerCase, files.StripAccents, files.TokenizeChineseChars);
        return new BertTokenizer(wordPiece, basic, new AddedTokenSplitter(files.AddedTokens, basic.Normalize), files.Vocabulary,
            Require(files.ClsToken), Require(files.SepToken), Require(files.PadToken), Require(files.UnkToken), files.ModelMaxLength)
        {
            MaxTokenId = Math.Max(files.Vocabulary.Count - 1, files.AddedTokens.Select(t => t.Id).DefaultIfEmpty(0).Max()),
        };
    }

    /// <summary>Token ids of <paramref name="text"/>, [CLS] … [SEP], at most <paramref name="maxLength"/> ids.</summary>
    public int[] Encode(string text, int maxLength)
    {
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), "room is needed for [CLS] and [SEP]");
        var ids = new List<int>(Math.Min(maxLength, text.Length + 2)) { ClsId };
        var budget = maxLength - 2;
        foreach (var (piece, token) in addedTokens.Split(text))
        {
            if (ids.Count - 1 >= budget) break;
            if (token is not null)
            {
                ids.Add(token.Id);
                continue;
            }
            foreach (var word in basic.Tokenize(piece))
            {
                if (ids.Count - 1 >= budget) break;
                ids.AddRange(wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
            }
        }
        if (ids.Count - 1 > budget) ids.RemoveRange(budget + 1, ids.Count - 1 - budget);
        ids.Add(SepId);
        return ids.ToArray();
    }
}
