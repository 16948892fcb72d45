using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Pooling;

/// <summary>
/// sentence-transformers' <c>Pooling</c> module: token embeddings + attention mask → one vector
/// per text, modes concatenated in its order (cls, max, mean, mean-sqrt-len, last token).
/// </summary>
public static class Pooler
{
    public static Tensor Pool(PoolingConfig config, Tensor tokenEmbeddings, Tensor attentionMask)
    {
        var parts = new List<Tensor>();
        try
        {
            using var mask = attentionMask.unsqueeze(-1).to_type(tokenEmbeddings.dtype);
            if (config.ClsToken) parts.Add(tokenEmbeddings.select(1, 0));
            if (config.MaxTokens)
            {
                // Padding must never win the max: sentence-transformers sets it to -1e9.
                using var padding = mask.eq(0).expand_as(tokenEmbeddings);
                using var filled = tokenEmbeddings.masked_fill(padding, -1e9);
                parts.Add(filled.max(1).values);
            }
            if (config.MeanTokens || config.MeanSqrtLenTokens)
            {
                using var masked = tokenEmbeddings * mask;
                using var sum = masked.sum(1);
                using var count = mask.sum(1).clamp_min(1e-9);
                if (config.MeanTokens) parts.Add(sum / count);
                if (config.MeanSqrtLenTokens)
                {
                    using var root = count.sqrt();
                    parts.Add(sum / root);
                }
            }
            if (config.LastToken)
            {
                using var lengths = attentionMask.sum(1).sub(1).to_type(ScalarType.Int64);
                using var index = lengths.view(-1, 1, 1).expand(-1, 1, tokenEmbeddings.shape[2]);
                using var gathered = tokenEmbeddings.gather(1, index);
                parts.Add(gathered.squeeze(1));
            }
            return parts.Count == 1 ? parts[0].alias() : cat(parts, 1);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
