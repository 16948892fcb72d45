namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// One training row: its text columns (pair, triplet, anchor + negatives …) and, depending on the
/// loss, a float similarity <see cref="Score"/> or an integer class <see cref="Label"/>.
/// </summary>
public sealed record TrainingExample(IReadOnlyList<string> Texts, double? Score = null, int? Label = null);

/// <summary>A batch as the losses see it: columns of texts (column c holds Texts[c] of every example).</summary>
public sealed class TrainingBatch(IReadOnlyList<TrainingExample> examples)
{
    public IReadOnlyList<TrainingExample> Examples { get; } = examples;
    public int Count => Examples.Count;
    public int ColumnCount => Examples[0].Texts.Count;

    public IReadOnlyList<string> Column(int column) => Examples.Select(e => e.Texts[column]).ToList();
    public float[] Scores => Examples.Select(e => (float)(e.Score ?? throw new InvalidOperationException("this batch has no scores"))).ToArray();
    public long[] Labels => Examples.Select(e => (long)(e.Label ?? throw new InvalidOperationException("this batch has no labels"))).ToArray();
}
