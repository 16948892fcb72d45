using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>
/// <see cref="MultipleNegativesRankingLoss"/> with GradCache (Gao et al., 2021): embed the batch in
/// mini-batches without a graph, compute the loss and its gradient with respect to the embeddings,
/// then re-embed each mini-batch with a graph and back-propagate that cached gradient. The same
/// gradients as the uncached loss, in the memory of one mini-batch, so batches can be huge.
/// Each mini-batch's RNG state is replayed so dropout masks match between the two passes.
/// Input: (anchor, positive[, negative …]). Prefer the uncached loss when the batch fits in memory (it is faster).
/// </summary>
public sealed class CachedMultipleNegativesRankingLoss(double scale = 20.0, int miniBatchSize = 32) : MultipleNegativesRankingLoss(scale)
{
    public int MiniBatchSize { get; } = miniBatchSize;
    public override string Name => "cached_mnrl";

    public override IReadOnlyDictionary<string, object> Hyperparameters =>
        new Dictionary<string, object>(base.Hyperparameters) { ["mini_batch_size"] = MiniBatchSize };

    public override double Backward(Embedder embed, TrainingBatch batch)
    {
        var columns = Enumerable.Range(0, batch.ColumnCount).Select(batch.Column).ToList();
        var chunks = columns.Select(Chunks).ToList();
        var states = new List<List<Tensor>>();
        var cached = new List<Tensor>();
        try
        {
            // 1. Embed without a graph, remembering the RNG state before each mini-batch.
            using (no_grad())
            {
                foreach (var column in chunks)
                {
                    var columnStates = new List<Tensor>();
                    var parts = new List<Tensor>();
                    foreach (var chunk in column)
                    {
                        columnStates.Add(random.get_rng_state());
                        parts.Add(embed(chunk));
                    }
                    states.Add(columnStates);
                    cached.Add(cat(parts, 0).detach().requires_grad_(true));
                    foreach (var part in parts) part.Dispose();
                }
            }

            // 2. The loss and its gradient with respect to the (leaf) embeddings.
            double value;
            using (var loss = Compute(cached, batch))
            {
                loss.backward();
                value = loss.item<float>();
            }

            // 3. Re-embed each mini-batch with a graph, replaying its RNG state, and push the cached gradient through.
            var afterwards = random.get_rng_state();
            for (var c = 0; c < chunks.Count; c++)
            {
                var offset = 0L;
                for (var k = 0; k < chunks[c].Count; k++)
                {
                    random.set_rng_state(states[c][k]);
                    using var embedded = embed(chunks[c][k]);
                    using var gradient = cached[c].grad!.narrow(0, offset, embedded.shape[0]);
                    autograd.backward(embedded, gradient);
                    offset += embedded.shape[0];
                }
            }
            random.set_rng_state(afterwards);
            afterwards.Dispose();
            return value;
        }
        finally
        {
            foreach (var tensor in cached) tensor.Dispose();
            foreach (var state in states.SelectMany(s => s)) state.Dispose();
        }
    }

    private List<IReadOnlyList<string>> Chunks(IReadOnlyList<string> texts)
    {
        var result = new List<IReadOnlyList<string>>();
        for (var start = 0; start < texts.Count; start += MiniBatchSize)
            result.Add(texts.Skip(start).Take(MiniBatchSize).ToList());
        return result;
    }
}
