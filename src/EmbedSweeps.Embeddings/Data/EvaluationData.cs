namespace EmbedSweeps.Embeddings.Data;

/// <summary>Loaders for the evaluation sets, from a resolved data set directory.</summary>
public static class EvaluationData
{
    public static readonly string[] StsbSplits = ["train", "validation", "test"];

    /// <summary>STS-B pairs of one split (<c>sentence1, sentence2, score</c>; score 0–5 as published).</summary>
    public static List<ScoredPair> StsbPairs(string directory, string split)
    {
        if (!StsbSplits.Contains(split))
            throw new EmbedSweepsException($"{SettingNames.Of("split")} {split}: STS-B has no such split (valid: {string.Join(", ", StsbSplits)}).");
        var path = Path.Combine(directory, split + ".tsv");
        return TsvFile.Read(path, "sentence1", "sentence2", "score")
            .Select(row => new ScoredPair(row.Field("sentence1"), row.Field("sentence2"),
                TsvFile.ParseDouble(row.Field("score"), path, row.Line, "score")))
            .ToList();
    }

    /// <summary>Banking77 texts with intent labels (<c>text, label</c>).</summary>
    public static List<LabeledText> LabeledTexts(string directory, string split)
    {
        var path = Path.Combine(directory, split + ".tsv");
        return TsvFile.Read(path, "text", "label").Select(row => new LabeledText(row.Field("text"), row.Field("label"))).ToList();
    }
}
