using System.Text.Json;
using System.Text.Json.Nodes;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>
/// Reads the small JSON files of a model directory. Every way a file can be wrong (missing, not JSON,
/// a key given twice, the wrong kind of value at the top) becomes one <see cref="EmbedSweepsException"/>
/// sentence that names the file.
/// </summary>
public static class JsonFiles
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public static JsonObject ReadObject(string path) =>
        Parse(path) as JsonObject ?? throw new EmbedSweepsException($"{path}: expected a JSON object.");

    public static JsonArray ReadArray(string path) =>
        Parse(path) as JsonArray ?? throw new EmbedSweepsException($"{path}: expected a JSON array.");

    /// <summary>The object in <paramref name="path"/>, or null when the file does not exist.</summary>
    public static JsonObject? ReadObjectIfExists(string path) => File.Exists(path) ? ReadObject(path) : null;

    /// <summary>Parses <paramref name="bytes"/> (e.g. a safetensors header) refusing repeated keys.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // editors on Windows write a byte-order mark
        try
        {
            return JsonNode.Parse(bytes, documentOptions: Strict);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new EmbedSweepsException($"{source}: not valid JSON ({e.Message}).", e);
        }
    }

    private static JsonNode? Parse(string path)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: missing.");
        return Parse(File.ReadAllBytes(path), path);
    }
}
