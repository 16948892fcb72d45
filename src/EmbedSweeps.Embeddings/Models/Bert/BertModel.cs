using TorchSharp;
using TorchSharp.Modules;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models.Bert;

/// <summary>The stack of <see cref="BertLayer"/>s: <c>encoder.layer</c>.</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        var current = hidden.alias();
        foreach (var block in layer)
        {
            var next = block.forward(current, additiveMask);
            current.Dispose();
            current = next;
        }
        return current;
    }
}

/// <summary><c>pooler</c>: tanh(dense([CLS])). Unused by sentence embeddings, kept so checkpoints round-trip.</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var first = hidden.select(1, 0);
        using var projected = dense.forward(first);
        return projected.tanh();
    }
}

/// <summary>
/// Hugging Face's <c>BertModel</c>, whose <c>named_parameters()</c> are exactly the checkpoint keys
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.0.attention.self.query.weight</c>, …).
/// The pooler exists only when the checkpoint has one: sentence-transformers never uses it.
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    public BertModel(BertConfig config, bool withPooler) : base(nameof(BertModel))
    {
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        if (withPooler) pooler = new BertPooler(config);
        RegisterComponents();
    }

    public BertConfig Config { get; }
    public bool HasPooler => pooler is not null;
    public Tensor WordEmbeddingWeight => embeddings.WordEmbeddingWeight;

    /// <summary>A new model with the same architecture and weights, in <paramref name="dtype"/> (e.g. bf16 for mixed precision).</summary>
    public BertModel CopyAs(ScalarType dtype)
    {
        var copy = new BertModel(Config, HasPooler);
        copy.to(dtype);
        copy.CopyParametersFrom(this);
        return copy;
    }

    /// <summary>Overwrites every parameter with <paramref name="source"/>'s (same architecture), converting dtype and device.</summary>
    public void CopyParametersFrom(BertModel source)
    {
        using var _ = no_grad();
        foreach (var ((_, target), (_, from)) in named_parameters().Zip(source.named_parameters()))
            target.copy_(from);
    }

    /// <summary>Token embeddings [batch, seq, hidden] of <paramref name="inputIds"/> under <paramref name="attentionMask"/> (1 = token, 0 = padding).</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var tokenTypes = zeros_like(inputIds);
        Tensor hidden;
        using (StepProfile.Time("forward: embeddings + LayerNorm"))
            hidden = embeddings.forward(inputIds, tokenTypes);
        using var _ = hidden;
        using var mask = AdditiveMask(attentionMask, hidden.dtype);
        return encoder.forward(hidden, mask);
    }

    // HF's extended attention mask: (1 - mask) · finfo(dtype).min, broadcast over heads and queries.
    private static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype)
    {
        using var expanded = attentionMask.unsqueeze(1).unsqueeze(1);
        using var typed = expanded.to_type(dtype);
        using var inverted = 1.0 - typed;
        var lowest = dtype switch
        {
            ScalarType.BFloat16 => -3.3895313892515355e38,
            ScalarType.Float16 => -65504.0,
            ScalarType.Float64 => double.MinValue,
            _ => float.MinValue,
        };
        return inverted * lowest;
    }
}
