namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// Which examples make up each step's batch: per epoch, a shuffle seeded by (seed, epoch) — so a
/// resumed run recomputes exactly the batches it would have seen — optionally with
/// sentence-transformers' NO_DUPLICATES rule (no text twice in a batch, which would be a false
/// negative for in-batch-negative losses).
/// </summary>
public sealed class BatchPlan
{
    private readonly List<int[]> batches = [];

    public BatchPlan(IReadOnlyList<TrainingExample> examples, int batchSize, int epochs, int? maxSteps, int seed, bool noDuplicates)
    {
        if (batchSize > examples.Count)
            throw new EmbedSweepsException($"{SettingNames.Of("batch_size")} {batchSize}: larger than the {examples.Count} training examples.");
        for (var epoch = 0; batches.Count < (maxSteps ?? 0) || epoch < epochs; epoch++)
        {
            var order = Enumerable.Range(0, examples.Count).ToList();
            Data.TrainingRecipes.Shuffle(order, new Random(unchecked(seed * 1_000_003 + epoch)));
            var epochBatches = (noDuplicates ? WithoutDuplicates(order, examples, batchSize) : Consecutive(order, batchSize)).ToList();
            if (epoch == 0) StepsPerEpoch = epochBatches.Count;
            batches.AddRange(epochBatches);
            if (maxSteps is not null && batches.Count >= maxSteps) break;
        }
        TotalSteps = maxSteps ?? batches.Count;
        if (batches.Count > TotalSteps) batches.RemoveRange(TotalSteps, batches.Count - TotalSteps);
    }

    public int TotalSteps { get; }
    public int StepsPerEpoch { get; }
    public int[] Batch(int step) => batches[step];
    public double Epoch(int step) => (double)step / StepsPerEpoch;

    private static IEnumerable<int[]> Consecutive(List<int> order, int batchSize)
    {
        for (var start = 0; start < order.Count; start += batchSize)
            yield return order.Skip(start).Take(batchSize).ToArray();
    }

    private static IEnumerable<int[]> WithoutDuplicates(List<int> order, IReadOnlyList<TrainingExample> examples, int batchSize)
    {
        var remaining = new List<int>(order);
        while (remaining.Count > 0)
        {
            var batch = new List<int>(batchSize);
            var texts = new HashSet<string>(StringComparer.Ordinal);
            foreach (var index in remaining)
            {
                if (examples[index].Texts.Any(texts.Contains)) continue;
                batch.Add(index);
                texts.UnionWith(examples[index].Texts);
                if (batch.Count == batchSize) break;
            }
            var chosen = batch.ToHashSet();
            remaining.RemoveAll(chosen.Contains);
            yield return [.. batch];
        }
    }
}
