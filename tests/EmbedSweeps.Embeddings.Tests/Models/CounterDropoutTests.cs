using EmbedSweeps.Embeddings.Models;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Models;

[Collection(TorchRandomCollection.Name)]
public sealed class CounterDropoutTests
{
    [Fact]
    public void KeepsEachElementWithProbabilityOneMinusPAndScalesIt()
    {
        manual_seed(7);
        using var mask = CounterDropout.Mask([1000, 1000], 0.1);
        var values = mask.data<float>().ToArray();
        var kept = values.Count(v => v != 0);
        // Binomial(10⁶, 0.9): standard deviation 300; 5 of them is a one-in-a-million miss.
        Assert.InRange(kept, 900_000 - 1500, 900_000 + 1500);
        Assert.All(values.Where(v => v != 0), v => Assert.Equal((float)(1 / 0.9), v));
        // Neighbours are independent: P(both kept) = 0.81 (pairs share one 64-bit draw, one half each).
        var bothKept = Enumerable.Range(0, values.Length / 2).Count(i => values[2 * i] != 0 && values[2 * i + 1] != 0);
        Assert.InRange(bothKept, 405_000 - 1500, 405_000 + 1500);
    }

    [Fact]
    public void TheMaskIsAFunctionOfTorchsGeneratorStateAndOfEachElementsIndex()
    {
        manual_seed(11);
        using var first = CounterDropout.Mask([64], 0.5);
        manual_seed(11);
        using var again = CounterDropout.Mask([64], 0.5);
        manual_seed(11);
        using var shorter = CounterDropout.Mask([37], 0.5); // 37: the vector path's 32 and a scalar tail of 5
        using var next = CounterDropout.Mask([64], 0.5);

        Assert.True(first.equal(again).all().item<bool>());
        Assert.Equal(first.data<float>().Take(37), shorter.data<float>().ToArray());
        Assert.False(first.equal(next).all().item<bool>()); // each call draws a new seed
    }

    [Fact]
    public void OutsideTrainingOrWithoutDropoutTheInputPassesUnchanged()
    {
        using var input = randn(4, 8);
        using var evaluating = CounterDropout.Apply(input, 0.1, training: false);
        using var zero = CounterDropout.Apply(input, 0.0, training: true);
        Assert.True(evaluating.equal(input).all().item<bool>());
        Assert.True(zero.equal(input).all().item<bool>());
    }

    [Fact]
    public void Bf16InputsStayBf16AndGradientsFlowThroughTheKeptElements()
    {
        using var input = ones(16, 16, requires_grad: true);
        using var dropped = CounterDropout.Apply(input, 0.25, training: true);
        using var sum = dropped.sum();
        sum.backward();
        using var expected = dropped.detach();
        Assert.True(input.grad!.equal(expected).all().item<bool>()); // d(x·mask)/dx = mask
        using var half = ones(8, 8, dtype: ScalarType.BFloat16);
        using var droppedHalf = CounterDropout.Apply(half, 0.25, training: true);
        Assert.Equal(ScalarType.BFloat16, droppedHalf.dtype);
    }
}
