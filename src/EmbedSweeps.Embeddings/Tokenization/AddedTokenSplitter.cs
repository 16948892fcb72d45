using System.Globalization;
using System.Text;

namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// Splits text around its added tokens, as Hugging Face's <c>tokenizers</c> (<c>AddedVocabulary</c>) does before
/// the model sees it: first the tokens with <c>normalized: false</c> (all special tokens) on the raw text, exactly
/// and case-sensitively; then, in the pieces between them, the <c>normalized: true</c> tokens on the normalised
/// text (their own content normalised the same way). At each position the longest token wins (leftmost-longest);
/// a <c>single_word</c> token beside a word character is skipped, not shortened.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Matcher raw;
    private readonly Matcher normalized;
    private readonly Func<string, string> normalize;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens, Func<string, string> normalize)
    {
        var all = tokens.Where(t => t.Content.Length > 0).ToList();
        this.normalize = normalize;
        raw = new Matcher(all.Where(t => !t.Normalized));
        normalized = new Matcher(all.Where(t => t.Normalized).Select(t => t with { Content = normalize(t.Content) }).Where(t => t.Content.Length > 0));
    }

    /// <summary>The pieces of <paramref name="text"/>: plain text (Token null, normalised when it went through the second pass) or a matched token.</summary>
    public List<(string Text, AddedToken? Token)> Split(string text)
    {
        var pieces = raw.Split(text);
        if (normalized.IsEmpty) return pieces;
        var result = new List<(string, AddedToken?)>();
        foreach (var piece in pieces)
            if (piece.Token is not null) result.Add(piece);
            else result.AddRange(normalized.Split(normalize(piece.Text)));
        return result;
    }

    private sealed class Matcher
    {
        private readonly Dictionary<char, AddedToken[]> byFirstChar;

        public Matcher(IEnumerable<AddedToken> tokens) =>
            byFirstChar = tokens.GroupBy(t => t.Content[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());

        public bool IsEmpty => byFirstChar.Count == 0;

        public List<(string Text, AddedToken? Token)> Split(string text)
        {
            var pieces = new List<(string, AddedToken?)>();
            var start = 0;
            var i = 0;
            while (i < text.Length)
            {
                var match = LongestAt(text, i);
                if (match is null) { i++; continue; }
                if (match.SingleWord && !(IsBoundary(text, i, before: true) && IsBoundary(text, i + match.Content.Length, before: false)))
                {
                    i += match.Content.Length; // the library drops the match and goes on after it
                    continue;
                }
                var before = text[start..i];
                if (match.LeftStrip) before = before.TrimEnd();
                if (before.Length > 0) pieces.Add((before, null));
                pieces.Add((match.Content, match));
                i += match.Content.Length;
                if (match.RightStrip) while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
                start = i;
            }
            if (start < text.Length) pieces.Add((text[start..], null));
            return pieces;
        }

        private AddedToken? LongestAt(string text, int index) =>
            byFirstChar.TryGetValue(text[index], out var candidates)
                ? candidates.FirstOrDefault(t => text.Length - index >= t.Content.Length
                                                 && string.CompareOrdinal(text, index, t.Content, 0, t.Content.Length) == 0)
                : null;

        // The regex \w of the library's single_word check: letters, marks, digits and connector punctuation.
        private static bool IsBoundary(string text, int index, bool before)
        {
            if (before ? index <= 0 : index >= text.Length) return true;
            var status = before ? Rune.DecodeLastFromUtf16(text.AsSpan(0, index), out var rune, out _) : Rune.DecodeFromUtf16(text.AsSpan(index), out rune, out _);
            if (status != System.Buffers.OperationStatus.Done) return true;
            return Rune.GetUnicodeCategory(rune) switch
            {
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                    or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
                    or UnicodeCategory.ConnectorPunctuation => false,
                _ => true,
            };
        }
    }
}
