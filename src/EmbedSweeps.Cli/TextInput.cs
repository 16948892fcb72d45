using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Data;

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

    private static List<string> ReadJsonLines(string path) =>
        TableReader.Read(path).Select(row => row.Fields.TryGetValue("text", out var text)
            ? text
            : throw new EmbedSweepsException($"{path}:{row.Line}: expected an object with a \"text\" field.")).ToList();
}
