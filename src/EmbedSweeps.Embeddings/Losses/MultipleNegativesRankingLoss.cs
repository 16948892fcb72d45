using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>
/// InfoNCE with in-batch negatives: for anchor i, cross-entropy over scale·cos(anchor_i, every positive
/// and negative of the batch), the right answer being positive_i.
/// Input: (anchor, positive[, negative …]) with no labels; batches should hold no duplicate texts.
/// Prefer <see cref="CachedMultipleNegativesRankingLoss"/> for batches too large for memory.
/// </summary>
public class MultipleNegativesRankingLoss(double scale = 20.0) : EmbeddingLoss
{
    public double Scale { get; } = scale;
    public override string Name => "mnrl";
    public override TrainingRecipes.Shape Input => TrainingRecipes.Shape.AnchorPositive;
    public override IReadOnlyDictionary<string, object> Hyperparameters => new Dictionary<string, object> { ["scale"] = Scale, ["similarity_fct"] = "cos_sim" };

    public override Tensor Compute(IReadOnlyList<Tensor> columns, TrainingBatch batch)
    {
        using var candidates = cat(columns.Skip(1).ToList(), 0);
        using var similarity = CosineMatrix(columns[0], candidates);
        using var scores = similarity * Scale;
        using var targets = arange(columns[0].shape[0], dtype: ScalarType.Int64, device: scores.device);
        return nn.functional.cross_entropy(scores, targets);
    }
}
