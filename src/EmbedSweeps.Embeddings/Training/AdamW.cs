using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// torch.optim.AdamW, written out so its state (step, first and second moments) is ours to
/// checkpoint bit-exactly, and so it can update fp32 master weights from gradients computed in bf16.
/// On the CPU each parameter is updated in one fused pass (<see cref="AdamWKernel"/>); elsewhere by tensor operations.
/// Decoupled weight decay, none on biases and LayerNorm weights (the transformers convention).
/// </summary>
public sealed class AdamW(IReadOnlyList<(string Name, Parameter Parameter)> parameters,
    double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : IDisposable
{
    private readonly Dictionary<string, (Tensor First, Tensor Second)> moments = parameters.ToDictionary(
        p => p.Name, p => (zeros_like(p.Parameter).detach(), zeros_like(p.Parameter).detach()));

    public int Step { get; private set; }
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; } = parameters;

    public static bool Decays(string name) =>
        !name.EndsWith("bias", StringComparison.Ordinal) && !name.Contains("LayerNorm.weight", StringComparison.Ordinal);

    public void Update(double learningRate)
    {
        Step++;
        using var _ = no_grad();
        var correction1 = 1 - Math.Pow(beta1, Step);
        var correction2Root = Math.Sqrt(1 - Math.Pow(beta2, Step));
        foreach (var (name, parameter) in Parameters)
        {
            var gradient = parameter.grad;
            if (gradient is null) continue;
            var (first, second) = moments[name];
            var decay = weightDecay > 0 && Decays(name) ? 1 - learningRate * weightDecay : 1.0;
            if (AdamWKernel.Applies(parameter, gradient, first, second))
            {
                AdamWKernel.Update(parameter, gradient, first, second, new AdamWKernel.Coefficients(
                    (float)decay, (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)correction2Root, (float)epsilon,
                    (float)(learningRate / correction1)));
                continue;
            }
            if (decay != 1.0) parameter.mul_(decay);
            first.mul_(beta1).add_(gradient, alpha: 1 - beta1);
            second.mul_(beta2).addcmul_(gradient, gradient, value: 1 - beta2);
            using var root = second.sqrt();
            using var denominator = root.div_(correction2Root).add_(epsilon);
            parameter.addcdiv_(first, denominator, value: -learningRate / correction1);
        }
    }

    /// <summary>The optimizer state as named tensors (for a safetensors checkpoint).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State() =>
        moments.SelectMany(m => new[]
        {
            new KeyValuePair<string, Tensor>("exp_avg." + m.Key, m.Value.First),
            new KeyValuePair<string, Tensor>("exp_avg_sq." + m.Key, m.Value.Second),
        });

    public void Restore(int step, IReadOnlyDictionary<string, Tensor> state, string source)
    {
        using var _ = no_grad();
        foreach (var (name, (first, second)) in moments)
        {
            if (!state.TryGetValue("exp_avg." + name, out var savedFirst) || !state.TryGetValue("exp_avg_sq." + name, out var savedSecond))
                throw new EmbedSweepsException($"{source}: the optimizer state lacks {name}; the checkpoint is from a different model or loss.");
            first.copy_(savedFirst);
            second.copy_(savedSecond);
        }
        Step = step;
    }

    public void Dispose()
    {
        foreach (var (first, second) in moments.Values) { first.Dispose(); second.Dispose(); }
    }
}
