namespace EmbedSweeps.Sweeps.Tests;

/// <summary>
/// Every syntax error the YAML reader can raise is one problem at FILE:LINE:COLUMN in plain words — never an
/// exception's name. The first case is the fault that printed "internal error: InvalidOperationException".
/// </summary>
public sealed class YamlSyntaxTests
{
    private const string Head = "name: a\nmethod: grid\nobjective: { metric: stsb_validation_spearman_cosine }\nparameters:\n";

    public static TheoryData<string, string, int, int, string> Broken() => new()
    {
        { "unclosed flow list, then a key", Head + "  base_model: m\n  loss: [cosine, cosent\n  learning_rate: 2.0e-5\n", 6, 9, "the '[' opened at line 6, column 9 is not closed" },
        { "unclosed flow list at the end", Head + "  base_model: m\n  loss: [cosine, cosent\n", 6, 9, "'['" },
        { "unclosed flow mapping", "name: a\nobjective: { metric: x, goal: maximize\nparameters:\n  loss: cosine\n", 2, 12, "add '}'" },
        { "unclosed double quote", "name: \"abc\nmethod: grid\n", 1, 7, "YAML syntax error" },
        { "unclosed single quote", "name: 'abc\nmethod: grid\n", 1, 7, "YAML syntax error" },
        { "tab indentation", Head + "\tbase_model: m\n", 5, 1, "a tab in the indentation" },
        { "bad indentation", Head + "  base_model: m\n    loss: cosine\n", 6, 9, "YAML syntax error" },
        { "stray colon", "name: a: b\nmethod: grid\n", 1, 8, "YAML syntax error" },
        { "stray closing bracket", Head + "  base_model: m\n  loss: cosine]\n", 6, 9, "loss 'cosine]' is not valid" },
        { "a list, not a mapping", "- a\n- b\n", 1, 1, "mapping" },
        { "a scalar, not a mapping", "just words\n", 1, 1, "mapping" },
        { "empty", "", 1, 1, "the file is empty" },
        { "only comments", "# a sweep\n# to come\n", 1, 1, "the file is empty" },
        { "two documents", "name: a\n---\nname: b\n", 2, 1, "one YAML document" },
        { "CRLF line ends keep their line numbers", Head.Replace("\n", "\r\n") + "  base_model: m\r\n  loss: [cosine, cosent\r\n  learning_rate: 2.0e-5\r\n", 6, 9, "the '[' opened at line 6, column 9 is not closed" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void ASyntaxErrorIsOneProblemAtItsPosition(string kind, string yaml, int line, int column, string message)
    {
        var problems = Sweeps.Problems(yaml);
        var first = problems[0];
        Assert.True((line, column) == (first.Line, first.Column), $"{kind}: {string.Join(" / ", problems)}");
        Assert.Contains(message, first.Message);
        Assert.All(problems, p => Assert.DoesNotContain("Exception", p.Message));
    }

    [Fact]
    public void AByteOrderMarkAndCrlfLineEndsAreAccepted()
    {
        var windows = "\uFEFF" + Sweeps.Minimal.Replace("\r\n", "\n").Replace("\n", "\r\n");
        var sweep = Sweeps.Parse(windows);
        Assert.Equal("tiny", sweep.Name);
        Assert.Equal(8, Expansion.SweepExpansion.InitialTrials(sweep).Count);
    }

    [Fact]
    public void AByteOrderMarkInAFileIsAccepted()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bom-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Sweeps.Minimal, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try { Assert.Equal("tiny", Definition.SweepParser.ParseFile(path).Name); }
        finally { File.Delete(path); }
    }
}
