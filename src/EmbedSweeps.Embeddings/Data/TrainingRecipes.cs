using System.Globalization;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Embeddings.Data;

/// <summary>
/// Turns a data set into training examples for a loss. Built-in recipes (the chapter's): NLI for
/// softmax (3 labels), cosine (entailment → 1, else 0) and MNRL (entailment pairs with a seeded
/// shuffled soft negative, optionally hard negatives); STS-B train for cosine/CoSENT (score / 5).
/// Anything else is a user file read with a column mapping.
/// </summary>
public static class TrainingRecipes
{
    /// <summary>What a loss needs from each row.</summary>
    public enum Shape
    {
        /// <summary>(sentence1, sentence2, integer label): SoftmaxLoss.</summary>
        PairWithLabel,
        /// <summary>(sentence1, sentence2, float score in [0, 1]): CosineSimilarityLoss, CoSENTLoss.</summary>
        PairWithScore,
        /// <summary>(anchor, positive[, negative …]): in-batch-negative losses.</summary>
        AnchorPositive,
    }

    public sealed record Options(int Seed = 42, int? MaxSamples = null, bool HardNegatives = false, IReadOnlyDictionary<string, string>? Columns = null);

    public static List<TrainingExample> Load(string name, string path, Shape shape, Options options)
    {
        var builtin = Path.GetFileName(path.TrimEnd('/'));
        List<TrainingExample> examples;
        if (Directory.Exists(path) && builtin == "nli") examples = Nli(Path.Combine(path, "train.tsv"), shape, options);
        else if (Directory.Exists(path) && builtin == "stsb") examples = Stsb(Path.Combine(path, "train.tsv"), shape, name);
        else if (Directory.Exists(path)) examples = Generic(Path.Combine(path, "train.tsv"), shape, options);
        else examples = Generic(path, shape, options);

        if (examples.Count == 0) throw new EmbedSweepsException($"{name}: holds no training examples for this loss.");
        return options.MaxSamples is { } max && max < examples.Count ? examples.Take(max).ToList() : examples;
    }

    private static List<TrainingExample> Nli(string path, Shape shape, Options options)
    {
        var rows = TableReader.Read(path);
        Require(rows, path, "premise", "hypothesis", "label");
        var parsed = rows.Select(r => (Premise: r.Fields["premise"], Hypothesis: r.Fields["hypothesis"], Label: ParseLabel(r, path))).ToList();
        switch (shape)
        {
            case Shape.PairWithLabel:
                return parsed.Select(r => new TrainingExample([r.Premise, r.Hypothesis], Label: r.Label)).ToList();
            case Shape.PairWithScore:
                return parsed.Select(r => new TrainingExample([r.Premise, r.Hypothesis], Score: r.Label == 0 ? 1.0 : 0.0)).ToList();
            default:
            {
                var entailed = parsed.Where(r => r.Label == 0).ToList();
                // The chapter's soft negatives: the entailment hypotheses, shuffled with the seed.
                var negatives = entailed.Select(r => r.Hypothesis).ToList();
                Shuffle(negatives, new Random(options.Seed));
                var contradictions = parsed.Where(r => r.Label == 2)
                    .GroupBy(r => r.Premise).ToDictionary(g => g.Key, g => g.First().Hypothesis);
                return entailed.Select((r, i) =>
                {
                    var texts = new List<string> { r.Premise, r.Hypothesis, negatives[i] };
                    if (options.HardNegatives)
                        texts[2] = contradictions.GetValueOrDefault(r.Premise, negatives[i]);
                    return new TrainingExample(texts);
                }).ToList();
            }
        }
    }

    private static List<TrainingExample> Stsb(string path, Shape shape, string name)
    {
        if (shape != Shape.PairWithScore)
            throw new EmbedSweepsException($"{name}: STS-B has similarity scores, so it trains cosine or cosent losses, not {shape switch { Shape.PairWithLabel => "softmax", _ => "in-batch-negative losses" }}.");
        var rows = TableReader.Read(path);
        Require(rows, path, "sentence1", "sentence2", "score");
        return rows.Select(r => new TrainingExample([r.Fields["sentence1"], r.Fields["sentence2"]],
            Score: TsvFile.ParseDouble(r.Fields["score"], path, r.Line, "score") / 5.0)).ToList();
    }

    /// <summary>
    /// A user file. Default columns: sentence1/sentence2 + label or score for pairs; anchor/positive
    /// (+ negative, negative_1 …) for in-batch negatives. <c>Columns</c> maps those roles to the file's names.
    /// </summary>
    private static List<TrainingExample> Generic(string path, Shape shape, Options options)
    {
        var rows = TableReader.Read(path);
        string Column(string role) => options.Columns?.GetValueOrDefault(role) ?? role;
        switch (shape)
        {
            case Shape.PairWithLabel:
                Require(rows, path, Column("sentence1"), Column("sentence2"), Column("label"));
                return rows.Select(r => new TrainingExample([r.Fields[Column("sentence1")], r.Fields[Column("sentence2")]],
                    Label: ParseLabel(r, path, Column("label")))).ToList();
            case Shape.PairWithScore:
                Require(rows, path, Column("sentence1"), Column("sentence2"), Column("score"));
                return rows.Select(r =>
                {
                    var score = TsvFile.ParseDouble(r.Fields[Column("score")], path, r.Line, Column("score"));
                    if (score is < 0 or > 1)
                        throw new EmbedSweepsException($"{path}:{r.Line}: score {score} is outside [0, 1]; rescale it (STS-B's 0–5 scores: divide by 5).");
                    return new TrainingExample([r.Fields[Column("sentence1")], r.Fields[Column("sentence2")]], Score: score);
                }).ToList();
            default:
                Require(rows, path, Column("anchor"), Column("positive"));
                var negatives = rows.Count == 0 ? [] : rows[0].Fields.Keys.Where(k => k == Column("negative") || k.StartsWith(Column("negative") + "_", StringComparison.Ordinal)).Order().ToList();
                return rows.Select(r => new TrainingExample(
                    new[] { r.Fields[Column("anchor")], r.Fields[Column("positive")] }.Concat(negatives.Select(n => r.Fields[n])).ToList())).ToList();
        }
    }

    private static void Require(List<TableReader.Row> rows, string path, params string[] columns)
    {
        if (rows.Count == 0) throw new EmbedSweepsException($"{path}: holds no rows.");
        var missing = columns.Where(c => !rows[0].Fields.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new EmbedSweepsException(
                $"{path}: this loss needs the column(s) {string.Join(", ", missing)}; the file has {string.Join(", ", rows[0].Fields.Keys)} (map them with --columns role=name).");
    }

    private static int ParseLabel(TableReader.Row row, string path, string column = "label") =>
        int.TryParse(row.Fields[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) && label >= 0
            ? label
            : throw new EmbedSweepsException($"{path}:{row.Line}: column {column} must be a class number (0, 1, 2 …), not \"{row.Fields[column]}\".");

    // Fisher–Yates with System.Random: deterministic for a seed on every .NET version.
    public static void Shuffle<T>(IList<T> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
