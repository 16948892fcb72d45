using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Sweeps.Tests;

/// <summary>The evaluation: section — users' own data, names, Matryoshka dims and the MTEB protocol.</summary>
public sealed class EvaluationSpecTests
{
    private static string SweepWith(string evaluation, string objective) => $$"""
        name: own-data
        objective: { metric: {{objective}} }
        parameters:
          base_model: m
          loss: [mnrl]
        data: { train: nli }
        evaluation:
        {{evaluation}}
        """;

    private static string Folder()
    {
        var folder = Directory.CreateTempSubdirectory("embedsweeps-eval-spec-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "docs", "qrels"));
        foreach (var file in new[] { "docs/corpus.jsonl", "docs/queries.jsonl", "docs/qrels/test.tsv" }) File.WriteAllText(Path.Combine(folder, file), "");
        File.WriteAllText(Path.Combine(folder, "pairs.tsv"), "sentence1\tsentence2\tlabel\na\tb\t1\n");
        return folder;
    }

    private static SweepDefinition ParseIn(string folder, string yaml)
    {
        var path = Path.Combine(folder, "sweep.yaml");
        File.WriteAllText(path, yaml);
        return SweepParser.ParseFile(path);
    }

    [Fact]
    public void UserDataIsResolvedAgainstTheSweepFileAndNamesTheMetrics()
    {
        var folder = Folder();
        var sweep = ParseIn(folder, SweepWith("""
              - { task: retrieval, data: docs, name: mydocs }
              - { task: pair-classification, data: pairs.tsv }
              - { task: stsb, split: validation, dims: [384, 128] }
            """, "mydocs_cosine_ndcg_at_10"));
        Assert.Equal(["mydocs", "pairs", "stsb_validation"], sweep.Evaluation.Select(e => e.Name));
        Assert.Equal(Path.Combine(folder, "docs"), sweep.Evaluation[0].Data);
        Assert.Contains("stsb_validation_dim128_spearman_cosine", SweepParser.MetricsOf(sweep.Evaluation[2]));
        Assert.Contains("pairs_cosine_ap", SweepParser.MetricsOf(sweep.Evaluation[1]));

        // The worker's setting carries everything, as JSON; STS-B alone keeps the comma form (and its trial ids).
        var setting = (string)SweepExpansion.InitialTrials(sweep)[0].Settings["evaluation"];
        Assert.StartsWith("[", setting);
        Assert.Contains("\"dims\":[384,128]", setting);
        Assert.Equal("stsb_validation,stsb_test", EvaluationCatalog.SettingValue([new EvaluationSpec("stsb", "validation"), new EvaluationSpec("stsb", "test")]));
        // Banking77 always names its protocol: its default sampling changed, so its trials get new ids.
        Assert.Contains("\"protocol\":\"mteb-v2\"", EvaluationCatalog.SettingValue([new EvaluationSpec("stsb", "validation"), new EvaluationSpec("banking77", "test")]));
    }

    [Fact]
    public void AMissingDataFileIsAProblemAtItsLineNamingIt()
    {
        var folder = Folder();
        var error = Assert.Throws<SweepValidationException>(() => ParseIn(folder, SweepWith("""
              - { task: triplet, data: no-such.tsv }
              - { task: retrieval, data: pairs.tsv }
              - { task: sts }
              - { task: stsb, data: pairs.tsv, protocol: mteb-v1 }
              - { task: triplet, data: pairs.tsv, split: dev }
            """, "stsb_validation_spearman_cosine")));
        var problems = error.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains(":8:") && p.Contains("no-such.tsv") && p.Contains("no such file"));
        Assert.Contains(problems, p => p.Contains(":9:") && p.Contains("is a file; task retrieval needs a folder"));
        Assert.Contains(problems, p => p.Contains(":10:") && p.Contains("needs data"));
        Assert.Contains(problems, p => p.Contains(":11:") && p.Contains("takes no data"));
        Assert.Contains(problems, p => p.Contains(":11:") && p.Contains("protocol applies to classification"));
        Assert.Contains(problems, p => p.Contains(":12:") && p.Contains("split applies to"));
    }

    [Fact]
    public void AFileWithoutTheTasksColumnsIsAProblemBeforeAnyTraining()
    {
        var folder = Folder();
        var problems = Assert.Throws<SweepValidationException>(() => ParseIn(folder, SweepWith("""
              - { task: sts, data: pairs.tsv }
            """, "pairs_spearman_cosine"))).Problems;
        Assert.Contains(problems, p => p.Message.Contains("has no column(s) score"));
    }

    [Fact]
    public void AnObjectiveOnANewMetricIsChecked()
    {
        var folder = Folder();
        var problems = Assert.Throws<SweepValidationException>(() => ParseIn(folder, SweepWith("""
              - { task: retrieval, data: docs, name: mydocs }
            """, "mydocs_cosine_ndcg@10"))).Problems;
        Assert.Contains(problems, p => p.Message.Contains("mydocs_cosine_ndcg@10") && p.Message.Contains("not produced"));
    }

    [Fact]
    public void TwoEvaluationsMayNotShareAPrefix()
    {
        var folder = Folder();
        var problems = Assert.Throws<SweepValidationException>(() => ParseIn(folder, SweepWith("""
              - { task: stsb }
              - { task: sts, data: pairs.tsv, name: stsb_validation }
            """, "stsb_validation_spearman_cosine"))).Problems;
        Assert.Contains(problems, p => p.Message.Contains("both name their metrics stsb_validation"));
    }
}
