using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Tests;

/// <summary>Sweep texts for tests, and where the repository's example sweeps are.</summary>
internal static class Sweeps
{
    public static string Root => EmbedSweeps.Testing.TestPaths.RepositoryRoot;

    public static string Folder { get; } = Path.Combine(Root, "sweeps");

    public const string Minimal = """
        name: tiny
        objective: { metric: stsb_validation_spearman_cosine }
        parameters:
          base_model: m
          loss: [cosine, cosent]
          learning_rate: [2.0e-5, 5.0e-5]
          warmup_steps: [0, 100]
        data: { train: stsb }
        """;

    public static SweepDefinition Parse(string yaml) => SweepParser.Parse(yaml, "test.yaml");

    public static IReadOnlyList<SweepProblem> Problems(string yaml)
    {
        var error = Assert.Throws<SweepValidationException>(() => Parse(yaml));
        return error.Problems;
    }
}
