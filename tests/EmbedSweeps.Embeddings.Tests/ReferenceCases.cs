using System.Text.Json;

namespace EmbedSweeps.Embeddings.Tests;

/// <summary>The 24 texts of ../shared/reference/cases.jsonl with the token ids Hugging Face produces.</summary>
internal static class ReferenceCases
{
    public sealed record Case(int Index, string Text, IReadOnlyDictionary<string, int[]> Tokens);

    public static IReadOnlyList<Case> All { get; } = Load();

    private static List<Case> Load()
    {
        var lines = File.ReadAllLines(Path.Combine(SharedFiles.Reference, "cases.jsonl"));
        return lines.Where(l => l.Length > 0).Select((line, index) =>
        {
            using var document = JsonDocument.Parse(line);
            var tokens = document.RootElement.GetProperty("tokens").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray());
            return new Case(index, document.RootElement.GetProperty("text").GetString()!, tokens);
        }).ToList();
    }
}
