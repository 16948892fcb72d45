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

    // MTEB 2.x sampling, the default. bench/mteb_classification_reference.py (scikit-learn 1.2) on this model's
    // embeddings gives accuracy 0.8006, macro-F1 0.7940; MTEB's published figure for all-MiniLM-L6-v2 is 80.04.
    [Fact]
    public void Banking77FollowsMteb2AndAgreesWithScikitLearnAndThePublishedFigure()
    {
        var json = Path.Combine(CliRunner.NewTemporaryDirectory(), "banking77.json");

        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "banking77", "--json", json);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("protocol mteb-v2", result.Output);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("mteb-v2", document.RootElement.GetProperty("protocol").GetString());
        var metrics = document.RootElement.GetProperty("metrics");
        var accuracy = metrics.GetProperty("banking77_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.8006 - 0.002, 0.8006 + 0.002);
        Assert.InRange(accuracy, 0.8004 - 0.0015, 0.8004 + 0.0015);
        Assert.InRange(metrics.GetProperty("banking77_f1").GetDouble(), 0.7940 - 0.002, 0.7940 + 0.002);
        Assert.InRange(accuracy, metrics.GetProperty("banking77_accuracy_ci_low").GetDouble(), metrics.GetProperty("banking77_accuracy_ci_high").GetDouble());
    }

    // bench/mteb_classification_reference.py (scikit-learn 1.2) with MTEB 1.x sampling on this model's
    // embeddings gives accuracy 0.7963, macro-F1 0.7888.
    [Fact]
    public void Banking77AgreesWithScikitLearnOnTheSameEmbeddings()
    {
        var json = Path.Combine(CliRunner.NewTemporaryDirectory(), "banking77.json");

        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "banking77", "--protocol", "mteb-v1", "--json", json);

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var metrics = document.RootElement.GetProperty("metrics");
        Assert.Equal("mteb-v1", document.RootElement.GetProperty("protocol").GetString());
        Assert.InRange(metrics.GetProperty("banking77_mteb_v1_accuracy").GetDouble(), 0.7963 - 0.002, 0.7963 + 0.002);
        Assert.InRange(metrics.GetProperty("banking77_mteb_v1_f1").GetDouble(), 0.7888 - 0.002, 0.7888 + 0.002);
    }

    private static string BeirFolder(string? badQrelsLine = null)
    {
        var folder = CliRunner.NewTemporaryDirectory();
        Directory.CreateDirectory(Path.Combine(folder, "qrels"));
        File.WriteAllLines(Path.Combine(folder, "corpus.jsonl"),
        [
            """{"_id": "d1", "title": "Bread", "text": "Mix flour, water, salt and yeast, knead and bake for forty minutes."}""",
            """{"_id": "d2", "title": "", "text": "The capital of France is Paris."}""",
            """{"_id": "d3", "text": "Cats sleep for most of the day."}""",
            """{"_id": "d4", "title": "Guitar", "text": "Tune the strings before you play a chord."}""",
        ]);
        File.WriteAllLines(Path.Combine(folder, "queries.jsonl"),
        [
            """{"_id": "q1", "text": "how do I bake bread at home"}""",
            """{"_id": "q2", "text": "what is the capital of france"}""",
            """{"_id": "q3", "text": "how long do cats sleep"}""",
        ]);
        File.WriteAllLines(Path.Combine(folder, "qrels", "test.tsv"),
            ["query-id\tcorpus-id\tscore", "q1\td1\t1", "q2\td2\t1", "q3\td3\t1", .. badQrelsLine is null ? Array.Empty<string>() : [badQrelsLine]]);
        return folder;
    }

    [Fact]
    public void RetrievalOnABeirFolderReportsTheLibrarysMetricsWithIntervals()
    {
        var json = Path.Combine(CliRunner.NewTemporaryDirectory(), "retrieval.json");
        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "retrieval", "--data", BeirFolder(),
            "--name", "mydocs", "--json", json);

        Assert.True(result.ExitCode == 0, result.Error);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var metrics = document.RootElement.GetProperty("metrics");
        Assert.Equal("mydocs_cosine_ndcg_at_10", document.RootElement.GetProperty("primary_metric").GetString());
        // Three distinct topics: every query finds its document first.
        Assert.Equal(1.0, metrics.GetProperty("mydocs_cosine_accuracy_at_1").GetDouble());
        Assert.Equal(1.0, metrics.GetProperty("mydocs_cosine_ndcg_at_10").GetDouble());
        Assert.Equal(1.0 / 3, metrics.GetProperty("mydocs_cosine_precision_at_3").GetDouble(), 12);
        Assert.True(metrics.TryGetProperty("mydocs_cosine_map_at_100_ci_low", out _));
        Assert.Contains("95% interval", result.Output);
    }

    [Fact]
    public void QrelsNamingAnUnknownDocumentExitTwoWithFileAndRow()
    {
        var folder = BeirFolder(badQrelsLine: "q1\td9\t1");
        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "retrieval", "--data", folder);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{Path.Combine(folder, "qrels", "test.tsv")}:5:", result.Error);
        Assert.Contains("d9", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void PairClassificationRefusesALabelOutsideZeroAndOne()
    {
        var file = Path.Combine(CliRunner.NewTemporaryDirectory(), "pairs.tsv");
        File.WriteAllLines(file, ["sentence1\tsentence2\tlabel", "a cat\ta kitten\t1", "a cat\ta car\t2"]);
        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "pair-classification", "--data", file);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:3:", result.Error);
        Assert.Contains("0 or 1", result.Error);
    }

    [Fact]
    public void TruncatedEmbeddingsAreNamedWithTheirDimension()
    {
        var file = Path.Combine(CliRunner.NewTemporaryDirectory(), "sts.tsv");
        File.WriteAllLines(file, ["sentence1\tsentence2\tscore", "A man plays a guitar.\tA man is playing a guitar.\t5",
            "A cat sleeps.\tThe stock market fell.\t0", "A woman cooks.\tA woman is cooking dinner.\t4", "Kids play football.\tA dog barks.\t0.5"]);
        var json = Path.Combine(CliRunner.NewTemporaryDirectory(), "sts.json");
        var result = CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "sts", "--data", file, "--truncate-dim", "64", "--json", json);
        Assert.True(result.ExitCode == 0, result.Error);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("sts_dim64_spearman_cosine", document.RootElement.GetProperty("primary_metric").GetString());
    }
}
