using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings;

/// <summary>Pads token id sequences into the [batch, longest] tensors the encoder takes.</summary>
public static class Batching
{
    public static (Tensor InputIds, Tensor AttentionMask) Pad(IReadOnlyList<int[]> sequences, int padId, Device device)
    {
        var longest = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * longest];
        var mask = new long[sequences.Count * longest];
        for (var row = 0; row < sequences.Count; row++)
        {
            var sequence = sequences[row];
            var offset = row * longest;
            for (var i = 0; i < longest; i++)
            {
                var present = i < sequence.Length;
                ids[offset + i] = present ? sequence[i] : padId;
                mask[offset + i] = present ? 1 : 0;
            }
        }
        var shape = new long[] { sequences.Count, longest };
        return (tensor(ids, shape).to(device), tensor(mask, shape).to(device));
    }
}
