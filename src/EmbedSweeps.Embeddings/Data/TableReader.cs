using System.Text.Json;
using CsvHelper;

namespace EmbedSweeps.Embeddings.Data;

/// <summary>
/// Reads user data as rows of named string fields: TSV (split on TAB, no quoting), CSV (RFC 4180
/// quoting, fields may span lines; read by CsvHelper as Python reads CSV), JSON Lines (one object per line) or Parquet (as Hugging Face datasets store them).
/// Errors give file:line(:column); for Parquet, the row number.
/// </summary>
public static class TableReader
{
    public static readonly string[] Extensions = [".tsv", ".csv", ".jsonl", ".parquet"];

    public sealed record Row(int Line, IReadOnlyDictionary<string, string> Fields);

    public static List<Row> Read(string path)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: no such data file.");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".tsv" => ReadDelimited(path, SplitTsv),
            ".csv" => ReadCsv(path),
            ".jsonl" => ReadJsonLines(path),
            ".parquet" => ReadParquet(path),
            var other => throw new EmbedSweepsException(
                $"{path}: unknown data format \"{other}\" (use {string.Join(", ", Extensions)}, or a folder with train.tsv)."),
        };
    }

    private static List<Row> ReadDelimited(string path, Func<string, string, int, List<string>> split)
    {
        using var reader = new StreamReader(path);
        var headerLine = reader.ReadLine() ?? throw new EmbedSweepsException($"{path}: empty; expected a header row naming the columns.");
        var header = split(headerLine, path, 1);
        if (header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new EmbedSweepsException($"{path}:1: the header names the column \"{repeated.Key}\" twice; each column needs its own name.");
        var rows = new List<Row>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = split(text, path, line);
            if (fields.Count != header.Count)
                throw new EmbedSweepsException($"{path}:{line}: has {fields.Count} field(s) but the header has {header.Count}.");
            rows.Add(new Row(line, header.Zip(fields).ToDictionary(p => p.First, p => p.Second)));
        }
        return rows;
    }

    private static List<string> SplitTsv(string line, string path, int number) => [.. line.TrimEnd('\r').Split('\t')];

    // CSV by CsvHelper, read as Python's csv module and pandas read it: RFC 4180 quoting (quoted fields may span lines,
    // "" is a quote), and a quote inside an unquoted field is text (12" pizza). Each row keeps the line it starts on.
    private static List<Row> ReadCsv(string path)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = false, TrackLineNumbers = true, SkipEmptyLines = true, MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        try
        {
            using var reader = CsvReader.FromFile(path, options);
            var rows = new List<Row>();
            List<string>? header = null;
            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                var fields = new List<string>(reader.FieldCount);
                for (var i = 0; i < reader.FieldCount; i++) fields.Add(reader.GetString(i));
                if (header is null)
                {
                    header = fields;
                    if (header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                        throw new EmbedSweepsException($"{path}:{line}: the header names the column \"{repeated.Key}\" twice; each column needs its own name.");
                    continue;
                }
                if (fields.Count != header.Count)
                    throw new EmbedSweepsException($"{path}:{line}: has {fields.Count} field(s) but the header has {header.Count}" +
                        (fields.Any(f => f.Contains('\n')) ? " (a field of this row spans lines: is a quote left open?)." : "."));
                rows.Add(new Row(line, header.Zip(fields).ToDictionary(p => p.First, p => p.Second)));
            }
            return header is null ? throw new EmbedSweepsException($"{path}: empty; expected a header row naming the columns.") : rows;
        }
        catch (CsvFormatException e)
        {
            throw new EmbedSweepsException($"{path}: not a readable CSV file ({e.Message.Split('\n')[0]}).", e);
        }
    }

    private static List<Row> ReadParquet(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var table = Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
            return table.Data.Select((row, index) => new Row(index + 1, row.ToDictionary(
                field => field.Key,
                field => Convert.ToString(field.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))).ToList();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or Parquet.ParquetException)
        {
            throw new EmbedSweepsException($"{path}: not a readable Parquet file ({e.Message}).", e);
        }
    }

    private static List<Row> ReadJsonLines(string path)
    {
        var rows = new List<Row>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new EmbedSweepsException($"{path}:{line}: expected a JSON object.");
                var fields = new Dictionary<string, string>();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Null) continue; // a missing value, not the text "null"
                    if (!fields.TryAdd(property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText()))
                        throw new EmbedSweepsException($"{path}:{line}: the key \"{property.Name}\" appears twice.");
                }
                rows.Add(new Row(line, fields));
            }
            catch (JsonException e)
            {
                throw new EmbedSweepsException($"{path}:{line}:{e.BytePositionInLine + 1}: not valid JSON.");
            }
        }
        return rows;
    }
}
