using EmbedSweeps.Embeddings.Training;
using Parameter = TorchSharp.Modules.Parameter;
using AdamW = EmbedSweeps.Embeddings.Training.AdamW;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Training;

[Collection(TorchRandomCollection.Name)]
public sealed class AdamWTests
{
    [Theory]
    [InlineData(ScalarType.Float32)] // the fused CPU kernel (1,037 values: 64 vectors of 16 and a scalar tail)
    [InlineData(ScalarType.Float64)] // the tensor-by-tensor form, which other devices and dtypes take
    public void TenStepsMatchTorchOptimAdamW(ScalarType dtype)
    {
        manual_seed(3);
        using var start = randn(1037, dtype: ScalarType.Float64);
        var gradients = Enumerable.Range(0, 10).Select(_ => randn(1037, dtype: ScalarType.Float64)).ToList();
        using var ours = new Parameter(start.to_type(dtype).clone());
        using var theirs = new Parameter(start.to_type(dtype).clone());
        using var optimizer = new AdamW([("encoder.weight", ours)], weightDecay: 0.01);
        using var reference = optim.AdamW([theirs], lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);

        foreach (var gradient in gradients)
        {
            ours.grad = gradient.to_type(dtype);
            optimizer.Update(1e-3);
            theirs.grad = gradient.to_type(dtype);
            reference.step();
        }

        using var difference = (ours - theirs).abs().max();
        Assert.True(difference.to_type(ScalarType.Float64).item<double>() < (dtype == ScalarType.Float32 ? 1e-6 : 1e-12),
            $"largest difference {difference.to_type(ScalarType.Float64).item<double>():E2}");
        using var moved = (ours - start.to_type(dtype)).abs().max() /* start is untouched: each parameter has its own copy */;
        Assert.True(moved.to_type(ScalarType.Float64).item<double>() > 5e-3, $"moved {moved.to_type(ScalarType.Float64).item<double>():E2}"); // ten steps of about lr each
        foreach (var gradient in gradients) gradient.Dispose();
    }

    [Fact]
    public void BiasesAndLayerNormWeightsAreNotDecayed()
    {
        using var bias = new Parameter(ones(40));
        using var weight = new Parameter(ones(40));
        using var optimizer = new AdamW([("layer.bias", bias), ("layer.weight", weight)], weightDecay: 0.5);
        bias.grad = zeros(40);
        weight.grad = zeros(40);
        optimizer.Update(0.1);
        Assert.Equal(1f, bias[0].item<float>());
        Assert.Equal(0.95f, weight[0].item<float>(), 6);
    }
}
