using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbedSweeps.Embeddings.Training;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>
/// Dropout (each element kept with probability 1 − p and then scaled by 1 / (1 − p), as <c>torch.nn.Dropout</c>) whose
/// mask comes from a counter-based generator: element i is kept when the i-th 32-bit half of SplitMix64(seed, ⌊i/2⌋)
/// is below (1 − p)·2³², where the seed is one draw from torch's generator per call.
/// <para>
/// Why not libtorch's dropout: on CPU its Bernoulli mask draws every element from one Mersenne Twister on one thread;
/// the 57 masks of an MNRL step (three columns × (embeddings + 3 per layer × 6 layers)) took about a third of an fp32
/// training step of all-MiniLM-L6-v2 on 2 cores (<c>bench train --profile</c>: about 600 ms of 1.9 s); these masks,
/// with their multiplications, take about 40–55 ms per step (each element's bits depend only on the seed and its index,
/// so 16 are made at once with AVX-512).
/// The distribution is the same; the stream is a function of torch's RNG state, so a checkpoint (which saves that
/// state) resumes bit-identically and CachedMNRL's replay of the RNG state reproduces the masks. On other devices the
/// native dropout runs (their generators are fast). Sources: G. Steele, D. Lea, C. Flood, "Fast splittable
/// pseudorandom number generators" (SplitMix64), OOPSLA 2014; J. Salmon et al., "Parallel random numbers: as easy as
/// 1, 2, 3" (counter-based generators), SC 2011.
/// </para>
/// </summary>
internal static class CounterDropout
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL; // 2⁶⁴/φ, SplitMix64's counter increment

    /// <summary>
    /// <paramref name="input"/> with dropout applied when <paramref name="training"/> and p &gt; 0; otherwise an alias of
    /// it (a new handle to the same tensor, so the caller may dispose both). Same shape and dtype as the input.
    /// </summary>
    public static Tensor Apply(Tensor input, double p, bool training)
    {
        if (!training || p <= 0) return input.alias();
        if (input.device_type != TorchSharp.DeviceType.CPU || p >= 1) return nn.functional.dropout(input, p, training: true);
        using var _ = StepProfile.Time("dropout (mask and multiply)");
        using var mask = Mask(input.shape, p);
        if (input.dtype == ScalarType.Float32) return input * mask;
        using var typed = mask.to_type(input.dtype);
        return input * typed;
    }

    /// <summary>A float32 tensor of <paramref name="shape"/> holding 0 or 1 / (1 − p), each nonzero with probability 1 − p.</summary>
    internal static Tensor Mask(long[] shape, double p)
    {
        ulong seed;
        using (var draw = randint(long.MaxValue, [1], dtype: ScalarType.Int64)) seed = (ulong)draw.item<long>();
        var threshold = (ulong)Math.Min(Math.Round((1 - p) * 4294967296.0), uint.MaxValue); // keep when a uniform 32-bit value is below it
        var scale = (float)(1 / (1 - p));
        var mask = empty(shape, ScalarType.Float32);
        Fill(MemoryMarshal.Cast<byte, float>(mask.bytes), seed, threshold, scale); // a CPU tensor's bytes are its memory
        return mask;
    }

    // values[i] = scale when the i-th 32-bit half of SplitMix64(seed + ⌊i/2⌋·φ) is below threshold, else 0. Read as
    // 32-bit lanes, a vector of 64-bit outputs is already in element order (low half first), so the vector path and
    // the scalar tail give the same values.
    private static void Fill(Span<float> values, ulong seed, ulong threshold, float scale)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var limit = Vector512.Create((uint)threshold);
            var keep = Vector512.Create(scale);
            for (; i + Vector512<float>.Count <= values.Length; i += Vector512<float>.Count)
            {
                var counters = Vector512.Create(seed) + (Vector512.Create((ulong)(i >> 1)) + lanes) * Golden;
                var halves = SplitMix64(counters).AsUInt32();
                Vector512.ConditionalSelect(Vector512.LessThan(halves, limit).AsSingle(), keep, Vector512<float>.Zero)
                    .StoreUnsafe(ref MemoryMarshal.GetReference(values), (nuint)i);
            }
        }
        for (; i < values.Length; i += 2)
        {
            var bits = SplitMix64(seed + (ulong)(i >> 1) * Golden);
            values[i] = (bits & 0xFFFFFFFFUL) < threshold ? scale : 0f;
            if (i + 1 < values.Length) values[i + 1] = (bits >> 32) < threshold ? scale : 0f;
        }
    }

    private static Vector512<ulong> SplitMix64(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * 0x94D049BB133111EBUL;
        return z ^ Vector512.ShiftRightLogical(z, 31);
    }

    // SplitMix64's output function: a bijective mix of a 64-bit counter (Steele, Lea, Flood 2014).
    private static ulong SplitMix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
