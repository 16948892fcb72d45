using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>Embeds a list of texts into [count, dimension] float32 sentence embeddings (differentiable when grad is on).</summary>
public delegate Tensor Embedder(IReadOnlyList<string> texts);

/// <summary>
/// The shape every loss shares (as in sentence-transformers' losses/): built from hyperparameters
/// with defaults; <see cref="Compute"/> turns the embeddings of a batch's text columns into a scalar
/// loss; <see cref="Hyperparameters"/> is what a trial records.
/// </summary>
public abstract class EmbeddingLoss : IDisposable
{
    /// <summary>The name the CLI and sweeps use (softmax, cosine, mnrl, …).</summary>
    public abstract string Name { get; }

    /// <summary>The rows this loss trains on.</summary>
    public abstract TrainingRecipes.Shape Input { get; }

    public abstract IReadOnlyDictionary<string, object> Hyperparameters { get; }

    /// <summary>Parameters the loss itself learns (SoftmaxLoss' classifier); saved in checkpoints, not in the model.</summary>
    public virtual IEnumerable<(string Name, Parameter Parameter)> Parameters => [];

    /// <summary>The scalar loss of a batch given each text column's embeddings ([batch, dimension], float32).</summary>
    public abstract Tensor Compute(IReadOnlyList<Tensor> columns, TrainingBatch batch);

    /// <summary>Embeds every column, computes the loss and back-propagates it; returns its value.</summary>
    public virtual double Backward(Embedder embed, TrainingBatch batch)
    {
        var columns = Enumerable.Range(0, batch.ColumnCount).Select(c => embed(batch.Column(c))).ToList();
        Tensor loss;
        using (StepProfile.Time("loss"))
            loss = Compute(columns, batch);
        using var _ = loss;
        using (StepProfile.Time("backward"))
            loss.backward();
        foreach (var column in columns) column.Dispose();
        return loss.item<float>();
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Cosine similarity of every row of <paramref name="a"/> with every row of <paramref name="b"/>: [a, b].</summary>
    protected static Tensor CosineMatrix(Tensor a, Tensor b)
    {
        using var normalisedA = nn.functional.normalize(a, p: 2, dim: 1);
        using var normalisedB = nn.functional.normalize(b, p: 2, dim: 1);
        using var transposed = normalisedB.t();
        return normalisedA.mm(transposed);
    }
}
