namespace EmbedSweeps.Embeddings.Data;

/// <summary>
/// Tab-separated files with a header row and no quoting (the format of the data mirror):
/// each line is split on TAB, nothing else. Errors name the file, line and column.
/// </summary>
public static class TsvFile
{
    /// <summary>Rows as dictionaries from header name to field, requiring <paramref name="columns"/>.</summary>
    public static IEnumerable<(int Line, Func<string, string> Field)> Read(string path, params string[] columns)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: no such file.");
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new EmbedSweepsException($"{path}: empty; expected a header row with {string.Join(", ", columns)}.");
        var names = header.TrimEnd('\r').Split('\t');
        var index = new Dictionary<string, int>();
        for (var i = 0; i < names.Length; i++) index.TryAdd(names[i], i);
        var missing = columns.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new EmbedSweepsException($"{path}:1: missing column(s) {string.Join(", ", missing)} (the header has {string.Join(", ", names)}).");

        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.TrimEnd('\r').Split('\t');
            if (fields.Length != names.Length)
                throw new EmbedSweepsException($"{path}:{lineNumber}: has {fields.Length} field(s) but the header has {names.Length}.");
            yield return (lineNumber, name => fields[index[name]]);
        }
    }

    public static double ParseDouble(string text, string path, int line, string column)
    {
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new EmbedSweepsException($"{path}:{line}: column {column} must be a number, not \"{text}\".");
    }
}
