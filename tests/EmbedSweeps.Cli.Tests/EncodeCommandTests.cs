using System.Text.Json;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EncodeCommandTests
{
    [Fact]
    public void EncodesJsonLinesToNpyMatchingTheReference()
    {
        var directory = CliRunner.NewTemporaryDirectory();
        var cases = File.ReadAllLines(Path.Combine(CliRunner.Shared, "reference", "cases.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
        var input = Path.Combine(directory, "texts.jsonl");
        File.WriteAllLines(input, cases.Select(text => JsonSerializer.Serialize(new { text })));
        var output = Path.Combine(directory, "out.npy");

        var result = CliRunner.Run("encode", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--input", input, "--output", output, "--batch-size", "7");

        Assert.Equal(0, result.ExitCode);
        var (actual, shape) = Npy.ReadFloat32(output);
        var (expected, _) = Npy.ReadFloat32(Path.Combine(CliRunner.Shared, "reference", "all-MiniLM-L6-v2.npy"));
        Assert.Equal([cases.Count, 384], shape);
        Assert.True(actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max() < 1e-4);
    }

    [Fact]
    public void PlainTextKeepsOneRowPerLineInOrder()
    {
        var directory = CliRunner.NewTemporaryDirectory();
        var input = Path.Combine(directory, "texts.txt");
        File.WriteAllLines(input, ["short", "a much longer sentence that sorts first into its own batch", "short"]);
        var output = Path.Combine(directory, "out.npy");

        Assert.Equal(0, CliRunner.Run("encode", "-m", "sentence-transformers/all-MiniLM-L6-v2", "-i", input, "-o", output, "--batch-size", "1").ExitCode);

        var (rows, shape) = Npy.ReadFloat32(output);
        Assert.Equal([3, 384], shape);
        Assert.Equal(rows[..384], rows[(2 * 384)..]);
        Assert.NotEqual(rows[..384], rows[384..768]);
    }
}
