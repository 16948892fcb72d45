namespace EmbedSweeps.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class TrainCommandTests
{
    private const string Model = "sentence-transformers/all-MiniLM-L6-v2";

    private static void AssertClearError(CliRunner.Result result, params string[] fragments)
    {
        Assert.Equal(2, result.ExitCode);
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    private static string PairsFile(int rows)
    {
        var path = Path.Combine(CliRunner.NewTemporaryDirectory(), "pairs.tsv");
        File.WriteAllLines(path, new[] { "sentence1\tsentence2\tscore" }.Concat(Enumerable.Range(0, rows).Select(i => $"a {i}\tb {i}\t0.5")));
        return path;
    }

    [Fact]
    public void AnUnknownLossListsTheValidOnes()
    {
        var output = Path.Combine(CliRunner.NewTemporaryDirectory(), "run");
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", "stsb", "--loss", "triplet", "--output", output), "triplet", "softmax, cosine, mnrl");
        Assert.False(Directory.Exists(output), "a failed run must leave nothing behind");
    }

    [Fact]
    public void ANonPositiveLearningRateIsRefused() =>
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", "stsb", "--loss", "cosine", "--lr", "0", "--output", Path.Combine(CliRunner.NewTemporaryDirectory(), "run")), "--lr");

    [Theory]
    [InlineData("--lr", "2", "--lr 2 is out of range (> 0 and ≤ 1)")]
    [InlineData("--max-seq-length", "4", "--max-seq-length 4 is out of range (≥ 8 and ≤ 8192)")]
    [InlineData("--scale", "5000", "--scale 5000 is out of range (> 0 and ≤ 1000)")]
    public void AValueASweepFileWouldRefuseIsRefusedByTrainToo(string flag, string value, string message)
    {
        var output = Path.Combine(CliRunner.NewTemporaryDirectory(), "run");
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", "stsb", "--loss", "cosine", flag, value, "--output", output), message);
        Assert.False(Directory.Exists(output), "a refused run must leave nothing behind");
    }

    [Fact]
    public void MissingColumnsAreNamed()
    {
        var output = Path.Combine(CliRunner.NewTemporaryDirectory(), "run");
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", PairsFile(10), "--loss", "softmax", "--output", output), "label");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ABatchLargerThanTheDataIsRefused() =>
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", PairsFile(3), "--loss", "cosine", "--batch-size", "8", "--evaluator", "none",
            "--output", Path.Combine(CliRunner.NewTemporaryDirectory(), "run")), "--batch-size 8", "3 training examples");

    [Fact]
    public void AnOutputThatIsNotAPreviousRunIsRefused()
    {
        var output = CliRunner.NewTemporaryDirectory();
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", "stsb", "--loss", "cosine", "--output", output), "not a previous run", "--overwrite");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
    }

    [Fact]
    public void StsbCannotTrainSoftmax() =>
        AssertClearError(CliRunner.Run("train", "--model", Model, "--data", "stsb", "--loss", "softmax", "--output", Path.Combine(CliRunner.NewTemporaryDirectory(), "run")), "cosine or cosent");

    [Fact]
    public void ATinyRunWritesASentenceTransformersDirectoryAndState()
    {
        var output = Path.Combine(CliRunner.NewTemporaryDirectory(), "run");
        var result = CliRunner.Run("train", "--model", Model, "--data", PairsFile(16), "--loss", "cosine", "--batch-size", "8", "--max-steps", "2",
            "--evaluator", "none", "--output", output, "--json-progress");
        Assert.Equal(0, result.ExitCode);
        foreach (var file in new[] { "model.safetensors", "config.json", "modules.json", "vocab.txt", "trainer_state.json", "1_Pooling/config.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Contains("\"event\":\"log\"", result.Output);
        Assert.Contains("\"event\":\"finished\"", result.Output);
    }
}
