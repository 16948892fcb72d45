namespace EmbedSweeps.Embeddings.Data;

/// <summary>
/// The built-in retrieval set <c>mnli-retrieval</c>, made from MNLI's validation_matched split (held out from every
/// training set EmbedSweeps ships): the first <paramref name="maxQueries"/> premises (in file order) that have an
/// entailed hypothesis become the queries; their entailed hypotheses (label 0) are the relevant documents; the
/// corpus is every hypothesis of those premises, so each query's neutral and contradicting hypotheses are hard
/// negatives beside the other premises' hypotheses. Deterministic: the same file gives the same set.
/// </summary>
public static class MnliRetrieval
{
    public const string TaskName = "mnli-retrieval";
    public const int DefaultQueries = 500;

    public static BeirDataset Build(string directory, int maxQueries = DefaultQueries)
    {
        var path = Path.Combine(directory, "validation_matched.tsv");
        var byPremise = new Dictionary<string, List<(string Hypothesis, string Label)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in TsvFile.Read(path, "premise", "hypothesis", "label"))
        {
            var premise = row.Field("premise").Trim();
            var hypothesis = row.Field("hypothesis").Trim();
            if (premise.Length == 0 || hypothesis.Length == 0) continue;
            if (!byPremise.TryGetValue(premise, out var hypotheses))
            {
                byPremise[premise] = hypotheses = [];
                order.Add(premise);
            }
            hypotheses.Add((hypothesis, row.Field("label").Trim()));
        }

        var queries = order.Where(p => byPremise[p].Any(h => h.Label == "0")).Take(maxQueries).ToList();
        if (queries.Count == 0) throw new EmbedSweepsException($"{path}: no premise has an entailed hypothesis (label 0).");
        var corpusIds = new List<string>();
        var corpusTexts = new List<string>();
        var idOfText = new Dictionary<string, string>(StringComparer.Ordinal);
        var relevant = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var q = 0; q < queries.Count; q++)
        {
            foreach (var (hypothesis, label) in byPremise[queries[q]])
            {
                if (!idOfText.TryGetValue(hypothesis, out var id))
                {
                    idOfText[hypothesis] = id = $"d{corpusIds.Count}";
                    corpusIds.Add(id);
                    corpusTexts.Add(hypothesis);
                }
                if (label != "0") continue;
                if (!relevant.TryGetValue($"q{q}", out var documents)) relevant[$"q{q}"] = documents = new HashSet<string>(StringComparer.Ordinal);
                documents.Add(id);
            }
        }
        return new BeirDataset(corpusIds, corpusTexts, queries.Select((_, q) => $"q{q}").ToList(), queries, relevant);
    }
}
