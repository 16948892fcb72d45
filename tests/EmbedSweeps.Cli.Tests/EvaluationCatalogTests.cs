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

    [Fact]
    public void AWorkerBuildsEveryEvaluationASweepFileAsksFor()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        File.WriteAllLines(Path.Combine(folder, "pairs.tsv"), ["sentence1\tsentence2\tscore", "a cat\ta kitten\t4", "a car\ta tree\t0"]);
        File.WriteAllLines(Path.Combine(folder, "triplets.tsv"), ["anchor\tpositive\tnegative", "a cat\ta kitten\ta car"]);
        var sweep = Path.Combine(folder, "sweep.yaml");
        File.WriteAllText(sweep, """
            name: worker-specs
            objective: { metric: pairs_spearman_cosine }
            parameters: { base_model: m, loss: [mnrl] }
            data: { train: nli }
            evaluation:
              - { task: sts, data: pairs.tsv }
              - { task: triplet, data: triplets.tsv, name: trips }
              - { task: stsb, dims: [128, 64] }
              - { task: banking77, protocol: mteb-v1 }
              - { task: mnli-retrieval }
            """);
        var setting = (string)EmbedSweeps.Sweeps.Expansion.SweepExpansion.InitialTrials(SweepParser.ParseFile(sweep))[0].Settings["evaluation"];
        var spec = new EmbedSweeps.Cli.Commands.TrialSpec("t", 1, "pairs_spearman_cosine", folder, "cpu", null,
            new Dictionary<string, System.Text.Json.JsonElement> { ["evaluation"] = System.Text.Json.JsonSerializer.SerializeToElement(setting) });

        var evaluators = spec.Evaluations.Select(EmbedSweeps.Cli.Commands.Tasks.Create).ToList();

        Assert.Equal(["pairs", "trips", "stsb_validation", "banking77_mteb_v1", "mnli_retrieval"], evaluators.Select(e => e.Name));
    }
}
