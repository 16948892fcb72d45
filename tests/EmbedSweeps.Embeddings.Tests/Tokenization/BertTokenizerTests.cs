using EmbedSweeps.Embeddings.Tokenization;

namespace EmbedSweeps.Embeddings.Tests.Tokenization;

public sealed class BertTokenizerTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var model in new[] { "all-MiniLM-L6-v2", "snowflake-arctic-embed-xs" })
            foreach (var item in ReferenceCases.All)
                data.Add(model, item.Index);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TokenIdsEqualHuggingFace(string model, int index)
    {
        var directory = Path.Combine(SharedFiles.Models, model);
        var tokenizer = BertTokenizer.Load(directory);
        var maxLength = model == "all-MiniLM-L6-v2" ? 256 : 512;
        var item = ReferenceCases.All[index];

        Assert.Equal(item.Tokens[model], tokenizer.Encode(item.Text, maxLength));
    }

    [Fact]
    public void TruncationKeepsSep()
    {
        var tokenizer = BertTokenizer.Load(SharedFiles.MiniLm);
        var ids = tokenizer.Encode(string.Join(' ', Enumerable.Repeat("word", 50)), 8);
        Assert.Equal(8, ids.Length);
        Assert.Equal(tokenizer.ClsId, ids[0]);
        Assert.Equal(tokenizer.SepId, ids[^1]);
    }

    [Fact]
    public void WordsLongerThanOneHundredCharactersAreUnknown()
    {
        var tokenizer = BertTokenizer.Load(SharedFiles.MiniLm);
        Assert.Equal([tokenizer.ClsId, tokenizer.UnkId, tokenizer.SepId], tokenizer.Encode(new string('a', 101), 16));
        Assert.NotEqual(tokenizer.UnkId, tokenizer.Encode(new string('a', 100), 64)[1]);
    }

    [Theory]
    [InlineData("a\tb\nc", new[] { "a", "b", "c" })]
    [InlineData("zero\u200Bwidth soft\u00ADhyphen", new[] { "zerowidth", "softhyphen" })]
    [InlineData("x=y", new[] { "x", "=", "y" })]
    [InlineData("Déjà", new[] { "deja" })]
    [InlineData("北京", new[] { "北", "京" })]
    public void BasicTokenizationFollowsHuggingFace(string text, string[] expected)
    {
        Assert.Equal(expected, new BasicTokenizer(lowerCase: true).Tokenize(text));
    }
}
