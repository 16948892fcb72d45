using System.Text.Json;

namespace EmbedSweeps.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EvalCommandTests
{
    // ../shared/reference/README.md: STS-B validation spearman_cosine of the reference implementation.
    [Theory]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", 0.8672)]
    [InlineData("Snowflake/snowflake-arctic-embed-xs", 0.7779)]
    public void StsbValidationReproducesTheReferenceFigure(string model, double expected)
    {
        var json = Path.Combine(CliRunner.NewTemporaryDirectory(), "stsb.json");

        var result = CliRunner.Run("eval", "--model", model, "--task", "stsb", "--split", "validation", "--json", json);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("stsb_validation_spearman_cosine", result.Output);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var spearman = document.RootElement.GetProperty("metrics").GetProperty("stsb_validation_spearman_cosine").GetDouble();
        Assert.InRange(spearman, expected - 0.001, expected + 0.001);
        Assert.Equal("stsb_validation_spearman_cosine", document.RootElement.GetProperty("primary_metric").GetString());
    }

    // bench/mteb_classification_reference.py (scikit-learn 1.2, MTEB's protocol) on this model's
    // embeddings gives accuracy 0.7963, macro-F1 0.7888.
    [Fact]
    public void Banking77AgreesWithScikitLearnOnTheSameEmbeddings()
    {
        var json = Path.Combine(CliRunner.NewTemporaryDirectory(), "banking77.json");

        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "banking77", "--json", json);

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var metrics = document.RootElement.GetProperty("metrics");
        Assert.InRange(metrics.GetProperty("banking77_accuracy").GetDouble(), 0.7963 - 0.002, 0.7963 + 0.002);
        Assert.InRange(metrics.GetProperty("banking77_f1").GetDouble(), 0.7888 - 0.002, 0.7888 + 0.002);
    }
}
