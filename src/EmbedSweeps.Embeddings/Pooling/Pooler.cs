using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Pooling;

/// <summary>
/// sentence-transformers' <c>Pooling</c> module: token embeddings [batch, seq, width] + attention mask
/// [batch, seq] → one vector per text [batch, modes × width], the modes concatenated in the config's order.
/// </summary>
public static class Pooler
{
    /// <param name="promptLength">
    /// Tokens at the start of every row that belong to the prompt, [CLS] included (sentence-transformers'
    /// <c>prompt_length</c>); when the config has <c>include_prompt: false</c> they are masked out of the pooling.
    /// </param>
    public static Tensor Pool(PoolingConfig config, Tensor tokenEmbeddings, Tensor attentionMask, int promptLength = 0)
    {
        var parts = new List<Tensor>();
        var poolingMask = attentionMask;
        try
        {
            if (!config.IncludePrompt && promptLength > 0)
            {
                poolingMask = attentionMask.clone();
                poolingMask.narrow(1, 0, Math.Min(promptLength, attentionMask.shape[1])).zero_();
            }
            using var mask = poolingMask.unsqueeze(-1).to_type(tokenEmbeddings.dtype);
            foreach (var mode in config.Modes) parts.Add(PoolOne(mode, tokenEmbeddings, mask, poolingMask));
            return parts.Count == 1 ? parts[0].alias() : cat(parts, 1);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
            if (!ReferenceEquals(poolingMask, attentionMask)) poolingMask.Dispose();
        }
    }

    private static Tensor PoolOne(PoolingMode mode, Tensor tokens, Tensor mask, Tensor attentionMask)
    {
        switch (mode)
        {
            case PoolingMode.Cls:
                return tokens.select(1, 0);
            case PoolingMode.Max:
            {
                // Padding must never win the max: sentence-transformers sets it to -1e9.
                using var padding = mask.eq(0).expand_as(tokens);
                using var filled = tokens.masked_fill(padding, -1e9);
                var (values, indices) = filled.max(1);
                indices.Dispose();
                return values;
            }
            case PoolingMode.Mean or PoolingMode.MeanSqrtLen:
            {
                using var masked = tokens * mask;
                using var sum = masked.sum(1);
                using var count = mask.sum(1).clamp_min(1e-9);
                if (mode == PoolingMode.Mean) return sum / count;
                using var root = count.sqrt();
                return sum / root;
            }
            case PoolingMode.WeightedMean:
            {
                // SGPT's position weights 1..seq on the kept tokens.
                using var positions = arange(1, tokens.shape[1] + 1, dtype: tokens.dtype, device: tokens.device).view(1, -1, 1);
                using var weights = mask * positions;
                using var weighted = tokens * weights;
                using var sum = weighted.sum(1);
                using var total = weights.sum(1).clamp_min(1e-9);
                return sum / total;
            }
            case PoolingMode.LastToken:
            {
                // The last kept position of each row (the library's flip/argmax, which falls back to the last
                // column for an all-zero row and then zeroes it through the mask).
                var length = tokens.shape[1];
                using var flipped = attentionMask.flip(1);
                var (values, indices) = flipped.max(1);
                using (values)
                using (indices)
                {
                    using var empty = values.eq(0);
                    using var fallback = full_like(indices, length - 1);
                    using var fromEnd = where(empty, fallback, indices);
                    using var last = (length - 1) - fromEnd;
                    using var index = last.view(-1, 1, 1).expand(-1, 1, tokens.shape[2]);
                    using var masked = tokens * mask;
                    using var gathered = masked.gather(1, index);
                    return gathered.squeeze(1);
                }
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }
}
