using EmbedSweeps.Embeddings.Data;

namespace EmbedSweeps.Embeddings.Tests.Data;

public sealed class TableReaderTests
{
    private static string Csv(string content)
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), "data.csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void QuotedFieldsMaySpanLinesAndRowsKeepTheLineTheyStartOn()
    {
        var rows = TableReader.Read(Csv("sentence1,sentence2,score\r\n\"first line\nsecond line\",\"a, \"\"quoted\"\" b\",0.5\r\n\r\nx,y,1\r\n"));

        Assert.Equal(2, rows.Count);
        Assert.Equal("first line\nsecond line", rows[0].Fields["sentence1"]);
        Assert.Equal("a, \"quoted\" b", rows[0].Fields["sentence2"]);
        Assert.Equal(2, rows[0].Line);
        Assert.Equal("x", rows[1].Fields["sentence1"]);
        Assert.Equal(5, rows[1].Line);
    }

    [Fact]
    public void AQuoteInsideAnUnquotedFieldIsText()
    {
        var rows = TableReader.Read(Csv("a,b\n12\" pizza,x\ny,z\n"));

        Assert.Equal(["12\" pizza", "y"], rows.Select(r => r.Fields["a"]));
    }

    [Fact]
    public void ARowWithTheWrongNumberOfFieldsNamesItsLine()
    {
        var path = Csv("a,b\n1,2\n3\n");

        var error = Assert.Throws<EmbedSweepsException>(() => TableReader.Read(path));

        Assert.Equal($"{path}:3: has 1 field(s) but the header has 2.", error.Message);
    }

    [Fact]
    public void AQuoteLeftOpenIsNamedAtTheLineItOpensOn()
    {
        var path = Csv("a,b\n1,2\n\"open,3\n4,5\n");

        var error = Assert.Throws<EmbedSweepsException>(() => TableReader.Read(path));

        Assert.StartsWith($"{path}:3:", error.Message);
        Assert.Contains("quote left open", error.Message);
    }

    [Fact]
    public void ARepeatedColumnNameAndAnEmptyFileAreRefused()
    {
        var repeated = Csv("a,a\n1,2\n");
        Assert.Equal($"{repeated}:1: the header names the column \"a\" twice; each column needs its own name.", Assert.Throws<EmbedSweepsException>(() => TableReader.Read(repeated)).Message);
        Assert.Contains("empty; expected a header row", Assert.Throws<EmbedSweepsException>(() => TableReader.Read(Csv(""))).Message);
    }
}
