using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>
/// CoSENT: log(1 + Σ exp(scale·(cos(k, l) − cos(i, j)))) over all pairs (i, j), (k, l) of the batch whose
/// gold score says (i, j) is more similar than (k, l). Input: pairs with a float score.
/// Prefer it to <see cref="CosineSimilarityLoss"/> for STS-like data: it optimises the ranking directly.
/// </summary>
public sealed class CoSENTLoss(double scale = 20.0) : EmbeddingLoss
{
    public override string Name => "cosent";
    public override TrainingRecipes.Shape Input => TrainingRecipes.Shape.PairWithScore;
    public override IReadOnlyDictionary<string, object> Hyperparameters { get; } = new Dictionary<string, object> { ["scale"] = scale };

    public override Tensor Compute(IReadOnlyList<Tensor> columns, TrainingBatch batch)
    {
        using var cosine = nn.functional.cosine_similarity(columns[0], columns[1], 1, 1e-8);
        using var scaled = cosine * scale;
        // differences[i, j] = s_j − s_i, kept where label_i > label_j.
        using var differences = scaled.unsqueeze(0) - scaled.unsqueeze(1);
        using var labels = tensor(batch.Scores, device: cosine.device);
        using var ordered = labels.unsqueeze(1).gt(labels.unsqueeze(0));
        using var masked = differences.masked_fill(ordered.logical_not(), -1e12);
        using var flat = masked.flatten();
        using var zero = zeros(1, dtype: flat.dtype, device: flat.device);
        using var withZero = cat([zero, flat], 0);
        return withZero.logsumexp(0, false);
    }
}
