using System.Globalization;
using System.Text;

namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// Hugging Face's <c>BasicTokenizer</c>, character for character: clean control characters,
/// split on whitespace, isolate CJK ideographs, NFC, lower-case and strip accents, split off
/// punctuation. Microsoft.ML.Tokenizers' own pre-tokenizer differs from it on tabs/newlines,
/// zero-width and format characters, and symbols, so this runs in front of its WordPiece.
/// </summary>
public sealed class BasicTokenizer(bool lowerCase, bool? stripAccents = null, bool splitChineseChars = true)
{
    public bool LowerCase { get; } = lowerCase;

    /// <summary>
    /// The whole text as BertNormalizer leaves it (clean, CJK spaced out, NFC, lower-cased and accents stripped as
    /// configured): what <c>normalized</c> added tokens are matched against. Tokenising it again gives the same words.
    /// </summary>
    public string Normalize(string text)
    {
        var cleaned = Clean(text);
        if (splitChineseChars) cleaned = SpaceOutChineseChars(cleaned);
        cleaned = cleaned.Normalize(NormalizationForm.FormC);
        if (LowerCase)
        {
            cleaned = cleaned.ToLowerInvariant();
            if (stripAccents != false) cleaned = StripAccents(cleaned);
        }
        else if (stripAccents == true)
        {
            cleaned = StripAccents(cleaned);
        }
        return cleaned;
    }

    /// <summary>Splits <paramref name="text"/> into the words WordPiece sees.</summary>
    public List<string> Tokenize(string text)
    {
        var cleaned = Clean(text);
        if (splitChineseChars) cleaned = SpaceOutChineseChars(cleaned);
        cleaned = cleaned.Normalize(NormalizationForm.FormC);

        var words = new List<string>();
        foreach (var original in SplitOnWhitespace(cleaned))
        {
            var word = original;
            if (LowerCase)
            {
                word = word.ToLowerInvariant();
                // HF strips accents when lower-casing unless strip_accents is explicitly false.
                if (stripAccents != false) word = StripAccents(word);
            }
            else if (stripAccents == true)
            {
                word = StripAccents(word);
            }
            SplitOnPunctuation(word, words);
        }
        return words;
    }

    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0 || rune.Value == 0xFFFD || IsControl(rune)) continue;
            builder.Append(IsWhitespace(rune) ? " " : rune.ToString());
        }
        return builder.ToString();
    }

    private static string SpaceOutChineseChars(string text)
    {
        StringBuilder? builder = null;
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsChineseChar(rune.Value))
            {
                builder ??= new StringBuilder(text, 0, index, text.Length + 16);
                builder.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else builder?.Append(rune.ToString());
            index += rune.Utf16SequenceLength;
        }
        return builder?.ToString() ?? text;
    }

    private static IEnumerable<string> SplitOnWhitespace(string text)
    {
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            // Python's str.split() splits on every Unicode whitespace character.
            if (char.IsWhiteSpace(text[i]))
            {
                if (start >= 0) yield return text[start..i];
                start = -1;
            }
            else if (start < 0) start = i;
        }
        if (start >= 0) yield return text[start..];
    }

    private static string StripAccents(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) builder.Append(rune.ToString());
        return builder.ToString();
    }

    private static void SplitOnPunctuation(string word, List<string> output)
    {
        var start = 0;
        var index = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            if (IsPunctuation(rune))
            {
                if (index > start) output.Add(word[start..index]);
                output.Add(rune.ToString());
                start = index + rune.Utf16SequenceLength;
            }
            index += rune.Utf16SequenceLength;
        }
        if (word.Length > start) output.Add(word[start..]);
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    // HF: every category starting with "C" (Cc, Cf, Cs, Co, Cn) except \t \n \r.
    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => true,
            _ => false,
        };
    }

    // HF treats all non-alphanumeric ASCII as punctuation ("^", "$", "`" are not P* in Unicode).
    private static bool IsPunctuation(Rune rune)
    {
        var cp = rune.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
            _ => false,
        };
    }

    // The CJK Unified Ideographs blocks, as in the original BERT code (not Hangul, Hiragana or Katakana).
    private static bool IsChineseChar(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
