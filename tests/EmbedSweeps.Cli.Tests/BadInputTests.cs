namespace EmbedSweeps.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class BadInputTests
{
    private static string TextFile(string content)
    {
        var path = Path.Combine(CliRunner.NewTemporaryDirectory(), "texts.txt");
        File.WriteAllText(path, content);
        return path;
    }

    private static void AssertClearError(CliRunner.Result result, params string[] fragments)
    {
        Assert.Equal(2, result.ExitCode);
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Error);
        Assert.DoesNotContain("   at ", result.Error); // never a stack trace
    }

    [Fact]
    public void AnUnknownTaskListsTheValidOnes() =>
        AssertClearError(CliRunner.Run("eval", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--task", "glue"), "glue", "stsb, banking77");

    [Theory]
    [InlineData("--task", "stsb", "--data", "x.tsv", "built in and takes no data")]
    [InlineData("--task", "sts", "--data", "x.tsv", "--protocol", "mteb-v1", "--protocol applies")]
    [InlineData("--task", "sts", "--data", "x.tsv", "--split", "validation", "--split applies")]
    [InlineData("--task", "stsb", "--split", "train", "no such split")]
    [InlineData("--task", "stsb", "--truncate-dim", "abc", "whole number")]
    [InlineData("--task", "stsb", "--name", "My Docs!", "lower-case")]
    public void EvalNeverQuietlyIgnoresAnOption(params string[] argumentsThenFragment)
    {
        var arguments = new[] { "eval", "--model", "sentence-transformers/all-MiniLM-L6-v2" }.Concat(argumentsThenFragment[..^1]).ToArray();
        AssertClearError(CliRunner.Run(arguments), argumentsThenFragment[^1]);
    }

    [Theory]
    [InlineData("eval", "--model", "m", "--task", "stsb", "--batch-size", "1.5", "'1.5' for option '--batch-size' as a whole number")]
    [InlineData("eval", "--model", "m", "--task", "stsb", "--batch-size", "0", "--batch-size must be at least 1")]
    [InlineData("bench", "encode", "--model", "m", "--input", "x", "--runs", "many", "as a whole number")]
    [InlineData("sweep", "importance", "s", "--target-quantile", "ten", "as a number (e.g. 0.1 or 2e-5)")]
    [InlineData("audit", "--limit", "x", "'x' for option '--limit' as a whole number")]
    public void AValueOfTheWrongKindIsNamedInWordsNotDotNetTypes(params string[] argumentsThenFragment)
    {
        var result = CliRunner.Run(argumentsThenFragment[..^1]);
        AssertClearError(result, argumentsThenFragment[^1]);
        Assert.DoesNotContain("System.", result.Error);
    }

    [Fact]
    public void AnEmptyInputFileIsRefused()
    {
        var input = TextFile("");
        AssertClearError(CliRunner.Run("encode", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--input", input, "--output", input + ".npy"), input, "no texts");
    }

    [Fact]
    public void AMissingModelDirectoryIsNamed() =>
        AssertClearError(CliRunner.Run("encode", "--model", "./no/such/model", "--input", TextFile("hello"), "--output", "/tmp/x.npy"), "./no/such/model");

    [Fact]
    public void AnUnwritableOutputIsReportedBeforeWork()
    {
        var output = Path.Combine(CliRunner.NewTemporaryDirectory(), "missing-folder", "out.npy");
        AssertClearError(CliRunner.Run("encode", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--input", TextFile("hello"), "--output", output), "does not exist");
    }

    [Fact]
    public void ACorruptModelNamesTheFile()
    {
        var model = CliRunner.NewTemporaryDirectory();
        var source = Path.Combine(CliRunner.Shared, "models", "all-MiniLM-L6-v2");
        foreach (var file in new[] { "config.json", "vocab.txt", "tokenizer_config.json" }) File.Copy(Path.Combine(source, file), Path.Combine(model, file));
        File.WriteAllBytes(Path.Combine(model, "model.safetensors"), [1, 2, 3]);
        AssertClearError(CliRunner.Run("encode", "--model", model, "--input", TextFile("hello"), "--output", Path.Combine(model, "o.npy")), "model.safetensors", "not a valid safetensors file");
    }

    [Fact]
    public void BadJsonLinesNameLineAndColumn()
    {
        var path = Path.Combine(CliRunner.NewTemporaryDirectory(), "texts.jsonl");
        File.WriteAllText(path, "{\"text\": \"fine\"}\n{\"text\": oops}\n");
        AssertClearError(CliRunner.Run("encode", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--input", path, "--output", path + ".npy"), $"{path}:2:");
    }

    [Fact]
    public void AnUnknownOptionExitsTwo() =>
        AssertClearError(CliRunner.Run("encode", "--modle", "x"), "--modle");

    [Fact]
    public void AnUnknownDeviceListsTheValidOnes() =>
        AssertClearError(CliRunner.Run("encode", "--model", "x", "--input", TextFile("hello"), "--output", "/tmp/x.npy", "--device", "tpu"), "valid: auto, cpu, cuda");
}
