using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
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
        using var q = SplitHeads(query.forward(hidden), batch, length, width);
        using var k = SplitHeads(key.forward(hidden), batch, length, width);
        using var v = SplitHeads(value.forward(hidden), batch, length, width);
        // softmax(q·kᵀ/√d + mask)·v, the same arithmetic as HF's eager path, fused.
        using var context = nn.functional.scaled_dot_product_attention(q, k, v, additiveMask,
            training ? dropoutProbability : 0.0, false);
        using var merged = context.transpose(1, 2);
        return merged.reshape(batch, length, width);
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
        return output.forward(attended, hidden);
    }
}
