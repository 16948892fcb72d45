using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models.Bert;

/// <summary>Multi-head self-attention (<c>attention.self</c>): query, key and value projections.</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int heads;
    private readonly double dropoutProbability;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        heads = config.NumAttentionHeads;
        dropoutProbability = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <param name="hidden">[batch, seq, hidden]</param>
    /// <param name="additiveMask">[batch, 1, 1, seq]: 0 where attended, a very negative number at padding.</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        long batch = hidden.shape[0], length = hidden.shape[1], width = hidden.shape[2];
        Tensor q, k, v;
        using (StepProfile.Time("forward: attention q, k, v projections"))
            (q, k, v) = (SplitHeads(query.forward(hidden), batch, length, width), SplitHeads(key.forward(hidden), batch, length, width),
                SplitHeads(value.forward(hidden), batch, length, width));
        using var _ = StepProfile.Time("forward: attention softmax(q·kᵀ)·v");
        using (q)
        using (k)
        using (v)
        using (var context = Attend(q, k, v, additiveMask))
        using (var merged = context.transpose(1, 2))
            return merged.reshape(batch, length, width);
    }

    // softmax(q·kᵀ/√d + mask)·v, with dropout on the probabilities while training: HF's eager arithmetic. Without
    // dropout (or off the CPU) one fused call; with it on the CPU, written out so CounterDropout makes the mask
    // (the fused kernel would draw it from libtorch's slow single-threaded Bernoulli).
    private Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor additiveMask)
    {
        var dropout = training ? dropoutProbability : 0.0;
        if (dropout <= 0 || q.device_type != TorchSharp.DeviceType.CPU)
            return nn.functional.scaled_dot_product_attention(q, k, v, additiveMask, dropout, false);
        using var keys = k.transpose(-2, -1);
        using var products = matmul(q, keys);
        using var scaled = products / Math.Sqrt(q.shape[^1]);
        using var scores = scaled + additiveMask;
        using var probabilities = Softmax(scores);
        using var dropped = CounterDropout.Apply(probabilities, dropout, training: true);
        return matmul(dropped, v);
    }

    // In float32 for bf16 scores, as autocast runs softmax and as the fused kernel's math path upcasts.
    private static Tensor Softmax(Tensor scores)
    {
        if (scores.dtype == ScalarType.Float32) return scores.softmax(-1);
        using var wide = scores.softmax(-1, ScalarType.Float32);
        return wide.to_type(scores.dtype);
    }

    private Tensor SplitHeads(Tensor projected, long batch, long length, long width)
    {
        using (projected)
        using (var viewed = projected.view(batch, length, heads, width / heads))
            return viewed.transpose(1, 2);
    }
}

/// <summary><c>attention</c>: self-attention followed by its output block.</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertResidualOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var attended = self.forward(hidden, additiveMask);
        using var _ = StepProfile.Time("forward: attention output dense + LayerNorm");
        return output.forward(attended, hidden);
    }
}
