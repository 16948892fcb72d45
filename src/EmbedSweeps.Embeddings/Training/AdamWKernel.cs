using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// AdamW's update of one float32 parameter on the CPU in a single pass over its memory (as PyTorch's
/// <c>fused=True</c> AdamW does on GPUs), instead of the eight passes of the tensor-by-tensor form; 16 floats at a
/// time with AVX-512. For all-MiniLM-L6-v2's 22.7 M parameters those passes cost about a tenth of a bf16 training step.
/// Same formula, same order of operations per element as <see cref="AdamW"/>'s tensor form; float32 throughout.
/// </summary>
internal static class AdamWKernel
{
    /// <summary>
    /// The per-step scalars, each computed in double and rounded once to float32 (as torch passes its scalars):
    /// decay = 1 − lr·wd (1 without weight decay); step = lr / (1 − β₁ᵗ).
    /// </summary>
    internal readonly record struct Coefficients(float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float Correction2Root, float Epsilon, float Step);

    /// <summary>Whether the tensors can be updated in place here: float32, contiguous, in CPU memory.</summary>
    public static bool Applies(params Tensor[] tensors) =>
        tensors.All(t => t.device_type == TorchSharp.DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous());

    /// <summary>Updates <paramref name="parameter"/>, <paramref name="first"/> and <paramref name="second"/> in place from <paramref name="gradient"/>.</summary>
    public static void Update(Tensor parameter, Tensor gradient, Tensor first, Tensor second, Coefficients c) =>
        Update(MemoryMarshal.Cast<byte, float>(parameter.bytes), MemoryMarshal.Cast<byte, float>(gradient.bytes),
            MemoryMarshal.Cast<byte, float>(first.bytes), MemoryMarshal.Cast<byte, float>(second.bytes), c);

    // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p·decay − step · m / (√v / √(1−β₂ᵗ) + ε)
    internal static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Coefficients c)
    {
        var (oneMinusBeta1, oneMinusBeta2) = (c.OneMinusBeta1, c.OneMinusBeta2);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref var p0 = ref MemoryMarshal.GetReference(p);
            ref var g0 = ref MemoryMarshal.GetReference(g);
            ref var m0 = ref MemoryMarshal.GetReference(m);
            ref var v0 = ref MemoryMarshal.GetReference(v);
            for (; i + Vector512<float>.Count <= p.Length; i += Vector512<float>.Count)
            {
                var at = (nuint)i;
                var gradient = Vector512.LoadUnsafe(ref g0, at);
                var first = Vector512.LoadUnsafe(ref m0, at) * c.Beta1 + gradient * oneMinusBeta1;
                var second = Vector512.LoadUnsafe(ref v0, at) * c.Beta2 + gradient * gradient * oneMinusBeta2;
                var denominator = Vector512.Sqrt(second) / c.Correction2Root + Vector512.Create(c.Epsilon);
                var parameter = Vector512.LoadUnsafe(ref p0, at) * c.Decay - c.Step * (first / denominator);
                first.StoreUnsafe(ref m0, at);
                second.StoreUnsafe(ref v0, at);
                parameter.StoreUnsafe(ref p0, at);
            }
        }
        for (; i < p.Length; i++)
        {
            var gradient = g[i];
            m[i] = m[i] * c.Beta1 + gradient * oneMinusBeta1;
            v[i] = v[i] * c.Beta2 + gradient * gradient * oneMinusBeta2;
            var denominator = MathF.Sqrt(v[i]) / c.Correction2Root + c.Epsilon;
            p[i] = p[i] * c.Decay - c.Step * (m[i] / denominator);
        }
    }
}
