using System.Text.Json;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Training;

/// <summary>Each loss against PyTorch (Fixtures/make_loss_fixtures.py): value and gradient on a tiny linear model.</summary>
public sealed class LossTests
{
    private sealed record Case(
        string loss, float[][] columns, float[] w, float[] scores, long[] labels, double value, float[] grad_w,
        float[]? classifier_weight, float[]? classifier_bias, float[]? grad_classifier_weight);

    private sealed record Fixture(int batch, int input, int dim, Case[] cases);

    private static readonly Fixture PyTorch = JsonSerializer.Deserialize<Fixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "losses.json")))!;

    public static TheoryData<string> Names() => new(PyTorch.cases.Select(c => c.loss));

    [Theory]
    [MemberData(nameof(Names))]
    public void ValueAndGradientEqualPyTorch(string name)
    {
        var item = PyTorch.cases.Single(c => c.loss == name);
        using var loss = LossFactory.Create(name, new LossFactory.Options(PyTorch.dim, MatryoshkaDims: [6, 4, 2]));
        using var w = tensor(item.w, [PyTorch.dim, PyTorch.input]).requires_grad_(true);
        if (loss is SoftmaxLoss)
        {
            using var _ = no_grad();
            var parameters = loss.Parameters.ToDictionary(p => p.Name, p => p.Parameter);
            parameters["classifier.weight"].copy_(tensor(item.classifier_weight!, [3, 3 * PyTorch.dim]));
            parameters["classifier.bias"].copy_(tensor(item.classifier_bias!));
        }
        var examples = Enumerable.Range(0, PyTorch.batch).Select(i => new TrainingExample(
            Enumerable.Range(0, item.columns.Length).Select(c => $"text {c}.{i}").ToList(), item.scores[i], (int)item.labels[i])).ToList();
        var columns = item.columns.Select(x => tensor(x, [PyTorch.batch, PyTorch.input]).mm(w.t())).ToList();

        using var value = loss.Compute(columns, new TrainingBatch(examples));
        value.backward();

        Assert.Equal(item.value, value.item<float>(), 4);
        AssertClose(item.grad_w, w.grad!, 1e-4);
        if (item.grad_classifier_weight is { } expected)
            AssertClose(expected, loss.Parameters.Single(p => p.Name == "classifier.weight").Parameter.grad!, 1e-4);
    }

    private static void AssertClose(float[] expected, Tensor actual, double tolerance)
    {
        var values = actual.contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        var worst = expected.Zip(values, (e, a) => Math.Abs(e - a) / Math.Max(1.0, Math.Abs(e))).Max();
        Assert.True(worst < tolerance, $"worst relative difference {worst:E2}");
    }

    [Fact]
    public void UnknownLossListsTheValidOnes()
    {
        var error = Assert.Throws<EmbedSweepsException>(() => LossFactory.Create("triplet", new LossFactory.Options(8)));
        Assert.Contains("softmax, cosine, mnrl", error.Message);
    }
}
