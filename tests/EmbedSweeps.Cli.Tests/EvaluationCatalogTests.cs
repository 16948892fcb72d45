using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Cli.Tests;

/// <summary>The sweep schema's evaluation catalogue (Sweeps may not reference Embeddings) agrees with the evaluators'.</summary>
public sealed class EvaluationCatalogTests
{
    [Fact]
    public void TheSweepCatalogueListsExactlyTheEvaluatorsTasks()
    {
        Assert.Equal(EvaluationTasks.BuiltIn, EvaluationCatalog.BuiltIn);
        Assert.Equal(EvaluationTasks.OnUserData, EvaluationCatalog.OnUserData);
        Assert.Equal(MtebProtocols.Names, EvaluationCatalog.Protocols);
    }

    [Theory]
    [InlineData("stsb", "test", null, null)]
    [InlineData("banking77", "test", null, null)]
    [InlineData("banking77", "test", null, null, "mteb-v1")]
    [InlineData("mnli-retrieval", "validation_matched", null, null)]
    [InlineData("retrieval", "test", "/data/My Docs", null)]
    [InlineData("pair-classification", "test", "/data/quora-pairs.v2.tsv", null)]
    [InlineData("triplet", "test", "/data/t.jsonl", "mine")]
    public void BothNameMetricsAlike(string task, string split, string? data, string? name, string protocol = "mteb-v2") =>
        Assert.Equal(EvaluationTasks.MetricPrefix(new EvaluationRequest(task, data, split, name, Protocol: MtebProtocols.Parse(protocol))),
            EvaluationCatalog.MetricPrefix(task, split, data, name, protocol));
}
