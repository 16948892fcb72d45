namespace EmbedSweeps.Sweeps.Definition;

/// <summary>"Did you mean …?" for misspelt keys and values.</summary>
public static class Suggestions
{
    public static string DidYouMean(string given, IEnumerable<string> valid)
    {
        var best = valid.Select(v => (Value: v, Distance: Distance(given.ToLowerInvariant(), v.ToLowerInvariant())))
            .OrderBy(p => p.Distance).ThenBy(p => p.Value, StringComparer.Ordinal).FirstOrDefault();
        return best.Value is not null && best.Distance <= Math.Max(2, given.Length / 3) ? $"; did you mean '{best.Value}'?" : "";
    }

    /// <summary>Levenshtein distance with adjacent transpositions (Damerau, optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
