using System.Globalization;

namespace EmbedSweeps.Embeddings.Data;

/// <summary>
/// A user's own evaluation files (.tsv, .csv, .jsonl or .parquet, read by <see cref="TableReader"/>), checked
/// row by row: every problem names the file and row and says what the row must hold.
/// </summary>
public static class UserEvaluationData
{
    /// <summary>(sentence1, sentence2, score) rows for the sts task.</summary>
    public static List<ScoredPair> ScoredPairs(string path) =>
        Rows(path, "sentence1", "sentence2", "score").Select(row => new ScoredPair(
            Text(row, "sentence1", path), Text(row, "sentence2", path), Number(row, "score", path))).ToList();

    /// <summary>(sentence1, sentence2, label 0/1) rows for pair-classification.</summary>
    public static List<LabeledPair> LabeledPairs(string path) =>
        Rows(path, "sentence1", "sentence2", "label").Select(row =>
        {
            var label = row.Fields["label"].Trim();
            if (label is not ("0" or "1"))
                throw new EmbedSweepsException($"{path}:{row.Line}: label must be 0 or 1, not \"{label}\".");
            return new LabeledPair(Text(row, "sentence1", path), Text(row, "sentence2", path), label == "1");
        }).ToList();

    /// <summary>(anchor, positive, negative) rows for the triplet task.</summary>
    public static List<Triplet> Triplets(string path) =>
        Rows(path, "anchor", "positive", "negative").Select(row => new Triplet(
            Text(row, "anchor", path), Text(row, "positive", path), Text(row, "negative", path))).ToList();

    /// <summary>(text, label) rows of a classification split: DIR/SPLIT.tsv (or .csv, .jsonl, .parquet).</summary>
    public static List<LabeledText> LabeledTexts(string directory, string split)
    {
        var path = TableReader.Extensions.Select(e => Path.Combine(directory, split + e)).FirstOrDefault(File.Exists)
            ?? throw new EmbedSweepsException($"{directory}: no {split}.tsv (or {split}.csv, .jsonl, .parquet); a classification folder holds train and test files with text and label columns.");
        return Rows(path, "text", "label").Select(row => new LabeledText(Text(row, "text", path), row.Fields["label"].Trim())).ToList();
    }

    private static List<TableReader.Row> Rows(string path, params string[] columns)
    {
        var rows = TableReader.Read(path);
        if (rows.Count == 0) throw new EmbedSweepsException($"{path}: has no rows; it needs columns {string.Join(", ", columns)}.");
        var missing = columns.Where(c => !rows[0].Fields.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new EmbedSweepsException($"{path}: missing column(s) {string.Join(", ", missing)} (it has {string.Join(", ", rows[0].Fields.Keys)}).");
        foreach (var row in rows)
            foreach (var column in columns)
                if (!row.Fields.ContainsKey(column))
                    throw new EmbedSweepsException($"{path}:{row.Line}: has no {column}.");
        return rows;
    }

    private static string Text(TableReader.Row row, string column, string path)
    {
        var text = row.Fields[column];
        return string.IsNullOrWhiteSpace(text) ? throw new EmbedSweepsException($"{path}:{row.Line}: {column} is empty.") : text;
    }

    private static double Number(TableReader.Row row, string column, string path) =>
        double.TryParse(row.Fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new EmbedSweepsException($"{path}:{row.Line}: {column} must be a number, not \"{row.Fields[column]}\".");
}
