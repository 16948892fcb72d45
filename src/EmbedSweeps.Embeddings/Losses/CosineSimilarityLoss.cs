using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>
/// Mean squared error between cos(u, v) and a gold score.
/// Input: pairs with a float score in [0, 1] (STS-B: score / 5; NLI: entailment 1, else 0).
/// Prefer <see cref="CoSENTLoss"/> when only the ranking of scores matters: it usually trains better.
/// </summary>
public sealed class CosineSimilarityLoss : EmbeddingLoss
{
    public override string Name => "cosine";
    public override TrainingRecipes.Shape Input => TrainingRecipes.Shape.PairWithScore;
    public override IReadOnlyDictionary<string, object> Hyperparameters { get; } = new Dictionary<string, object> { ["loss_fct"] = "MSELoss" };

    public override Tensor Compute(IReadOnlyList<Tensor> columns, TrainingBatch batch)
    {
        using var similarity = nn.functional.cosine_similarity(columns[0], columns[1], 1, 1e-8);
        using var scores = tensor(batch.Scores, device: similarity.device);
        return nn.functional.mse_loss(similarity, scores);
    }
}
