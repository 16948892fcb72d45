using System.Globalization;

namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// Splits raw text around its added tokens, as Hugging Face's tokenizers do before normalising: at each
/// position the longest added token that matches wins (leftmost-longest, like the library's Aho–Corasick
/// match); text between matches is tokenised normally.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> byFirstChar;
    private readonly bool lowerCase;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens, bool lowerCase)
    {
        this.lowerCase = lowerCase;
        byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .Select(t => t.Normalized && lowerCase ? t with { Content = t.Content.ToLowerInvariant() } : t)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public bool IsEmpty => byFirstChar.Count == 0;

    /// <summary>The pieces of <paramref name="text"/>: plain text (Token null) or a matched token.</summary>
    public List<(string Text, AddedToken? Token)> Split(string text)
    {
        var pieces = new List<(string, AddedToken?)>();
        if (IsEmpty) { pieces.Add((text, null)); return pieces; }
        // .NET's invariant lower-casing maps char to char, so positions in `folded` are positions in `text`.
        var folded = lowerCase ? text.ToLowerInvariant() : text;
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var match = MatchAt(text, folded, i);
            if (match is null) { i++; continue; }
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

    private AddedToken? MatchAt(string text, string folded, int index)
    {
        if (!byFirstChar.TryGetValue(text[index], out var exact) & !byFirstChar.TryGetValue(folded[index], out var normal))
            return null;
        foreach (var token in Candidates(exact, normal))
        {
            var source = token.Normalized && lowerCase ? folded : text;
            if (source.Length - index < token.Content.Length
                || string.CompareOrdinal(source, index, token.Content, 0, token.Content.Length) != 0) continue;
            if (token.SingleWord && !(IsBoundary(text, index - 1) && IsBoundary(text, index + token.Content.Length))) continue;
            return token;
        }
        return null;
    }

    private static IEnumerable<AddedToken> Candidates(AddedToken[]? exact, AddedToken[]? normal) =>
        (exact ?? []).Concat(normal ?? []).Distinct().OrderByDescending(t => t.Content.Length);

    // single_word tokens only match as whole words: no letter, digit or underscore right beside them.
    private static bool IsBoundary(string text, int index) =>
        index < 0 || index >= text.Length || !(char.IsLetterOrDigit(text[index]) || text[index] == '_'
            || CharUnicodeInfo.GetUnicodeCategory(text[index]) == UnicodeCategory.NonSpacingMark);
}
