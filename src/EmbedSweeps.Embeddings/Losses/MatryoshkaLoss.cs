using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>
/// Matryoshka representation learning: the inner loss applied to the first d dimensions of the
/// embeddings for each d in <c>dimensions</c> (e.g. 384/256/128/64), weighted and summed, so that
/// truncated embeddings stay useful. Input: whatever the inner loss takes (not SoftmaxLoss, whose
/// classifier is sized for the full dimension).
/// </summary>
public sealed class MatryoshkaLoss : EmbeddingLoss
{
    private readonly EmbeddingLoss inner;
    private readonly int[] dimensions;
    private readonly double[] weights;

    public MatryoshkaLoss(EmbeddingLoss inner, IReadOnlyList<int> dimensions, IReadOnlyList<double>? weights = null)
    {
        if (inner is SoftmaxLoss or MatryoshkaLoss or CachedMultipleNegativesRankingLoss)
            throw new EmbedSweepsException($"matryoshka: cannot wrap the {inner.Name} loss (use cosine, cosent or mnrl).");
        if (dimensions.Count == 0 || dimensions.Any(d => d < 1))
            throw new EmbedSweepsException("matryoshka: dimensions must be a non-empty list of positive sizes, e.g. 384,256,128,64.");
        this.inner = inner;
        this.dimensions = [.. dimensions];
        this.weights = weights is null ? [.. dimensions.Select(_ => 1.0)] : [.. weights];
        if (this.weights.Length != this.dimensions.Length)
            throw new EmbedSweepsException("matryoshka: give one weight per dimension.");
    }

    public override string Name => "matryoshka_" + inner.Name;
    public override TrainingRecipes.Shape Input => inner.Input;
    public override IReadOnlyDictionary<string, object> Hyperparameters => new Dictionary<string, object>(inner.Hyperparameters)
    {
        ["matryoshka_dims"] = string.Join(",", dimensions),
        ["matryoshka_weights"] = string.Join(",", weights),
    };

    public override Tensor Compute(IReadOnlyList<Tensor> columns, TrainingBatch batch)
    {
        var full = columns[0].shape[1];
        if (dimensions.Any(d => d > full))
            throw new EmbedSweepsException($"matryoshka: dimension {dimensions.Max()} exceeds the model's {full}.");
        Tensor? total = null;
        for (var i = 0; i < dimensions.Length; i++)
        {
            var truncated = columns.Select(c => c.narrow(1, 0, dimensions[i])).ToList();
            using var loss = inner.Compute(truncated, batch);
            using var weighted = loss * weights[i];
            var next = total is null ? weighted.alias() : total + weighted;
            total?.Dispose();
            total = next;
            foreach (var t in truncated) t.Dispose();
        }
        return total!;
    }

    public override void Dispose()
    {
        inner.Dispose();
        base.Dispose();
    }
}
