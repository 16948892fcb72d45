using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>
/// SBERT's NLI objective: a linear classifier on concat(u, v, |u − v|) → num_labels, cross-entropy.
/// Input: pairs with an integer class (NLI: 0 entailment, 1 neutral, 2 contradiction).
/// The classifier belongs to the trial (checkpointed), not to the saved encoder.
/// Prefer <see cref="MultipleNegativesRankingLoss"/> on entailment pairs: it gives better embeddings.
/// </summary>
public sealed class SoftmaxLoss : EmbeddingLoss
{
    private readonly Linear classifier;

    public SoftmaxLoss(int dimension, int numLabels = 3, Device? device = null)
    {
        NumLabels = numLabels;
        classifier = nn.Linear(3 * dimension, numLabels);
        if (device is not null) classifier.to(device);
    }

    public int NumLabels { get; }
    public override string Name => "softmax";
    public override TrainingRecipes.Shape Input => TrainingRecipes.Shape.PairWithLabel;
    public override IReadOnlyDictionary<string, object> Hyperparameters => new Dictionary<string, object>
    {
        ["num_labels"] = NumLabels, ["concatenation"] = "u, v, |u-v|",
    };

    public override IEnumerable<(string Name, Parameter Parameter)> Parameters =>
        classifier.named_parameters().Select(p => ("classifier." + p.name, p.parameter));

    public override Tensor Compute(IReadOnlyList<Tensor> columns, TrainingBatch batch)
    {
        var labels = batch.Labels;
        if (labels.Any(l => l >= NumLabels))
            throw new EmbedSweepsException($"softmax loss: a label {labels.Max()} is not below num_labels {NumLabels}.");
        using var difference = (columns[0] - columns[1]).abs();
        using var features = cat([columns[0], columns[1], difference], 1);
        using var logits = classifier.forward(features);
        using var targets = tensor(labels, device: logits.device);
        return nn.functional.cross_entropy(logits, targets);
    }

    public override void Dispose()
    {
        classifier.Dispose();
        base.Dispose();
    }
}
