using System.Text.Json;

namespace EmbedSweeps.Embeddings.Data;

/// <summary>
/// A retrieval set in BEIR's layout: <c>corpus.jsonl</c> (<c>_id</c>, <c>title</c>, <c>text</c>),
/// <c>queries.jsonl</c> (<c>_id</c>, <c>text</c>) and <c>qrels/SPLIT.tsv</c> (<c>query-id</c>, <c>corpus-id</c>,
/// <c>score</c>; a score above 0 marks a relevant document). A document's text is title + " " + text when it has a
/// title, as sentence-transformers and MTEB join them. Every problem names the file and line.
/// </summary>
public sealed record BeirDataset(
    IReadOnlyList<string> CorpusIds, IReadOnlyList<string> CorpusTexts,
    IReadOnlyList<string> QueryIds, IReadOnlyList<string> QueryTexts,
    IReadOnlyDictionary<string, HashSet<string>> Relevant)
{
    public static BeirDataset Load(string directory, string split = "test")
    {
        if (!Directory.Exists(directory))
            throw new EmbedSweepsException($"{directory}: no such folder; a retrieval set is a BEIR folder with corpus.jsonl, queries.jsonl and qrels/{split}.tsv.");
        var corpusPath = Path.Combine(directory, "corpus.jsonl");
        var queriesPath = Path.Combine(directory, "queries.jsonl");
        var qrelsPath = Path.Combine(directory, "qrels", split + ".tsv");
        var (corpusIds, corpusTexts) = ReadTexts(corpusPath, withTitle: true);
        var (queryIds, queryTexts) = ReadTexts(queriesPath, withTitle: false);
        var corpusSet = corpusIds.ToHashSet(StringComparer.Ordinal);
        var querySet = queryIds.ToHashSet(StringComparer.Ordinal);

        var relevant = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var row in TsvFile.Read(qrelsPath, "query-id", "corpus-id", "score"))
        {
            var query = row.Field("query-id");
            var document = row.Field("corpus-id");
            var score = TsvFile.ParseDouble(row.Field("score"), qrelsPath, row.Line, "score");
            if (!double.IsFinite(score)) throw new EmbedSweepsException($"{qrelsPath}:{row.Line}: score must be a finite number, not {row.Field("score")}.");
            if (!querySet.Contains(query)) throw new EmbedSweepsException($"{qrelsPath}:{row.Line}: query-id \"{query}\" is not in {queriesPath}.");
            if (!corpusSet.Contains(document)) throw new EmbedSweepsException($"{qrelsPath}:{row.Line}: corpus-id \"{document}\" is not in {corpusPath}.");
            if (score <= 0) continue;
            if (!relevant.TryGetValue(query, out var documents)) relevant[query] = documents = new HashSet<string>(StringComparer.Ordinal);
            documents.Add(document);
        }
        if (relevant.Count == 0) throw new EmbedSweepsException($"{qrelsPath}: no query has a relevant document (score > 0).");
        return new BeirDataset(corpusIds, corpusTexts, queryIds, queryTexts, relevant);
    }

    private static (List<string> Ids, List<string> Texts) ReadTexts(string path, bool withTitle)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: missing; a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/SPLIT.tsv.");
        var ids = new List<string>();
        var texts = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(text);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new EmbedSweepsException($"{path}:{line}:{e.BytePositionInLine + 1}: not valid JSON.");
            }
            if (root.ValueKind != JsonValueKind.Object) throw new EmbedSweepsException($"{path}:{line}: not a JSON object.");
            var id = Field(root, "_id", path, line, required: true)!;
            var body = Field(root, "text", path, line, required: true)!;
            var title = withTitle ? Field(root, "title", path, line, required: false) : null;
            var joined = string.IsNullOrWhiteSpace(title) ? body : (title + " " + body).Trim();
            if (string.IsNullOrWhiteSpace(joined)) throw new EmbedSweepsException($"{path}:{line}: \"text\" is empty.");
            if (!seen.TryAdd(id, line)) throw new EmbedSweepsException($"{path}:{line}: _id \"{id}\" repeats line {seen[id]}.");
            ids.Add(id);
            texts.Add(joined);
        }
        if (ids.Count == 0) throw new EmbedSweepsException($"{path}: has no entries.");
        return (ids, texts);
    }

    // Ids are strings in BEIR but often written as numbers; both are accepted.
    private static string? Field(JsonElement root, string name, string path, int line, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return required ? throw new EmbedSweepsException($"{path}:{line}: has no \"{name}\".") : null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new EmbedSweepsException($"{path}:{line}: \"{name}\" must be a string."),
        };
    }
}
