using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models.Bert;

/// <summary><c>intermediate</c>: the feed-forward expansion and its activation.</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly Func<Tensor, Tensor> activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        activation = Activations.Get(config.HiddenAct, "config.json");
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var projected = dense.forward(hidden);
        return activation(projected);
    }
}

/// <summary>
/// <c>attention.output</c> and <c>output</c> (HF's BertSelfOutput and BertOutput, which differ only in
/// input width): projection, dropout, residual, post-LayerNorm — <c>LayerNorm(dropout(dense(h)) + input)</c>.
/// </summary>
internal sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    [ComponentName(Name = "LayerNorm")] private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public BertResidualOutput(int inputSize, BertConfig config) : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = config.HiddenDropoutProb;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var projected = dense.forward(hidden);
        using var dropped = CounterDropout.Apply(projected, dropout, training);
        using var sum = dropped + residual;
        return layerNorm.forward(sum);
    }
}

/// <summary>One transformer block: <c>encoder.layer.{i}</c>.</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var attended = attention.forward(hidden, additiveMask);
        using var _ = StepProfile.Time("forward: feed-forward (dense, GELU, dense + LayerNorm)");
        using var expanded = intermediate.forward(attended);
        return output.forward(expanded, attended);
    }
}
