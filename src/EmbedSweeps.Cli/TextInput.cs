using System.Text.Json;
using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli;

/// <summary>Reads texts to encode: <c>.jsonl</c> (a "text" field per line) or <c>.txt</c> (one text per line).</summary>
internal static class TextInput
{
    public static List<string> Read(string path)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: no such input file.");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var texts = extension switch
        {
            ".jsonl" => ReadJsonLines(path),
            ".txt" => File.ReadLines(path).ToList(),
            _ => throw new EmbedSweepsException($"{path}: unknown input format \"{extension}\" (use .jsonl with a \"text\" field per line, or .txt with one text per line)."),
        };
        if (texts.Count == 0) throw new EmbedSweepsException($"{path}: the input file holds no texts.");
        return texts;
    }

    private static List<string> ReadJsonLines(string path)
    {
        var texts = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    throw new EmbedSweepsException($"{path}:{lineNumber}: expected an object with a string \"text\" field.");
                texts.Add(text.GetString()!);
            }
            catch (JsonException e)
            {
                throw new EmbedSweepsException($"{path}:{lineNumber}:{e.BytePositionInLine + 1}: not valid JSON ({e.Message.Split(" Path:")[0]}).");
            }
        }
        return texts;
    }
}
