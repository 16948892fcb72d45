using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Embeddings.Tests.Models;

public sealed class SentenceEncoderReferenceTests
{
    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("snowflake-arctic-embed-xs")]
    public void EmbeddingsMatchReferenceWithin1e4(string model)
    {
        using var encoder = SentenceEncoder.Load(Path.Combine(SharedFiles.Models, model));
        var (expected, shape) = Npy.ReadFloat32(Path.Combine(SharedFiles.Reference, model + ".npy"));
        var texts = ReferenceCases.All.Select(c => c.Text).ToList();

        var actual = encoder.Encode(texts, batchSize: 5);

        Assert.Equal([texts.Count, encoder.Dimension], shape);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst < 1e-4, $"max abs difference {worst:E3}");
    }

    [Fact]
    public void ParameterNamesAreTheCheckpointKeys()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        var checkpoint = Safetensors.Load(Path.Combine(SharedFiles.MiniLm, Safetensors.FileName));
        var names = encoder.Model.named_parameters().Select(p => p.name).OrderBy(n => n, StringComparer.Ordinal).ToList();

        Assert.Equal(checkpoint.Keys.OrderBy(n => n, StringComparer.Ordinal), names);
        Assert.Contains("encoder.layer.5.attention.self.query.weight", names);
        Assert.Contains("encoder.layer.0.attention.output.LayerNorm.weight", names);
        Assert.Contains("pooler.dense.weight", names);
        foreach (var tensor in checkpoint.Values) tensor.Dispose();
    }

    [Fact]
    public void CheckpointWithoutPoolerLoadsWithoutOne()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.Arctic);
        Assert.False(encoder.Model.HasPooler);
        Assert.Equal(512, encoder.MaxSeqLength);
    }

    [Fact]
    public void BatchSizeDoesNotChangeEmbeddings()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        var texts = ReferenceCases.All.Select(c => c.Text).ToList();
        var one = encoder.Encode(texts, batchSize: 1);
        var many = encoder.Encode(texts, batchSize: 32);
        Assert.True(one.Zip(many, (a, b) => Math.Abs(a - b)).Max() < 1e-5);
    }
}
