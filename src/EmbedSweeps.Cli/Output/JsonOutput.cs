using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EmbedSweeps.Cli.Output;

/// <summary>
/// The one convention of every <c>--json</c> output (README "JSON output"): snake_case keys, statuses and other
/// enums as snake_case words (<c>"succeeded"</c>, <c>"not_submitted"</c>), numbers as numbers, settings as JSON
/// values — never JSON inside a string — and text as written (no <c>\u2265</c> escapes). Metric and setting names
/// are dictionary keys and appear exactly as the sweep and the evaluators name them. A metric that is not a number
/// (NaN, ±∞) is written as the string "NaN", "Infinity" or "-Infinity", since JSON has no such numbers.
/// </summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="value"/> to standard output in this convention.</summary>
    public static void Print<T>(T value) => Console.WriteLine(Serialize(value));

    /// <summary>An enum value as this convention writes it (<c>TrialStatus.Succeeded</c> → <c>succeeded</c>).</summary>
    public static string Word<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>
    /// A JSON object held as text (a trial's settings or parameters) as a JSON value of the output. A value stored as
    /// JSON text inside a string (the <c>evaluation</c> setting's list of evaluations) is written as that JSON.
    /// </summary>
    public static JsonElement Object(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in root.ToList())
            if (value is JsonValue text && text.TryGetValue<string>(out var s) && s.TrimStart() is ['[' or '{', ..] && TryParse(s) is { } nested)
                root[key] = nested;
        return JsonSerializer.SerializeToElement(root);
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null; // text that only looks like JSON stays text
        }
    }
}
