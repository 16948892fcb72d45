using System.Text.Json;
using EmbedSweeps.Embeddings.Evaluation;

namespace EmbedSweeps.Embeddings.Tests.Evaluation;

public sealed class LogisticRegressionTests
{
    private sealed record Fixture(
        int dim, float[] x_train, string[] y_train, float[] x_test, string[] y_test, string[] classes,
        double[] coef, double[] intercept, string[] predicted, double[] probabilities, double accuracy, double f1_macro, double f1_weighted);

    private static readonly Fixture Sklearn = JsonSerializer.Deserialize<Fixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "logistic_regression.json")))!;

    [Fact]
    public void AgreesWithScikitLearnOnTheSameInputs()
    {
        var model = new LogisticRegression().Fit(Sklearn.x_train, Sklearn.dim, Sklearn.y_train);

        Assert.Equal(Sklearn.classes, model.Classes);
        Assert.Equal(Sklearn.predicted, model.Predict(Sklearn.x_test));
        var probabilities = model.PredictProbabilities(Sklearn.x_test);
        Assert.True(probabilities.Zip(Sklearn.probabilities, (a, b) => Math.Abs(a - b)).Max() < 1e-3);
        for (var k = 0; k < Sklearn.classes.Length; k++)
        {
            Assert.Equal(Sklearn.intercept[k], model.Intercept(k), 2e-3);
            for (var f = 0; f < Sklearn.dim; f++) Assert.Equal(Sklearn.coef[k * Sklearn.dim + f], model.Weight(k, f), 2e-3);
        }
    }

    [Fact]
    public void MetricsEqualScikitLearn()
    {
        var (macro, weighted) = ClassificationMetrics.F1(Sklearn.y_test, Sklearn.predicted);
        Assert.Equal(Sklearn.accuracy, ClassificationMetrics.Accuracy(Sklearn.y_test, Sklearn.predicted), 12);
        Assert.Equal(Sklearn.f1_macro, macro, 12);
        Assert.Equal(Sklearn.f1_weighted, weighted, 12);
    }

    private sealed record BinaryFixture(int dim, float[] x_train, string[] y_train, float[] x_test, string[] classes,
        double[] coef, double[] intercept, string[] predicted, double[] probabilities);

    [Fact]
    public void TwoClassesFitOneVectorAsScikitLearnDoes()
    {
        var sklearn = JsonSerializer.Deserialize<BinaryFixture>(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "binary_logistic_regression.json")))!;
        var model = new LogisticRegression().Fit(sklearn.x_train, sklearn.dim, sklearn.y_train);

        Assert.Equal(sklearn.classes, model.Classes);
        Assert.Equal(sklearn.predicted, model.Predict(sklearn.x_test));
        Assert.True(model.PredictProbabilities(sklearn.x_test).Zip(sklearn.probabilities, (a, b) => Math.Abs(a - b)).Max() < 1e-3);
        Assert.Equal(sklearn.intercept[0], model.Intercept(0), 2e-3);
        for (var f = 0; f < sklearn.dim; f++) Assert.Equal(sklearn.coef[f], model.Weight(0, f), 2e-3);
    }
}
