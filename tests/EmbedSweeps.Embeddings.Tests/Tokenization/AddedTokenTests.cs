using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.Tokenization;
using static EmbedSweeps.Embeddings.Tests.ModelCopies;

namespace EmbedSweeps.Embeddings.Tests.Tokenization;

/// <summary>Special and added tokens typed into a text are matched exactly, before normalising, as Hugging Face does.</summary>
public sealed class AddedTokenTests
{
    private static readonly BertTokenizer MiniLm = BertTokenizer.Load(SharedFiles.MiniLm);

    [Theory]
    [InlineData("This is[SEP]a test", new[] { 101, 2023, 2003, 102, 1037, 3231, 102 })]
    [InlineData("this is[sep]a test", new[] { 101, 2023, 2003, 1031, 19802, 1033, 1037, 3231, 102 })]
    [InlineData("hello! how are you? [UNK]", new[] { 101, 7592, 999, 2129, 2024, 2017, 1029, 100, 102 })]
    [InlineData("[CLS][MASK]", new[] { 101, 101, 103, 102 })]
    public void SpecialTokensInTheTextAreMatchedCaseSensitively(string text, int[] expected) =>
        Assert.Equal(expected, MiniLm.Encode(text, 64));

    [Fact]
    public void TokensFromAddedTokensDecoderAreMatchedWhole()
    {
        const string text = "a[unused5]b";
        Assert.NotEqual(6, MiniLm.Encode(text, 16)[2]); // an ordinary vocabulary entry is split like any text

        var directory = CopyOf(SharedFiles.MiniLm);
        var config = ReadJson(directory, "tokenizer_config.json");
        config["added_tokens_decoder"] = new JsonObject
        {
            ["6"] = new JsonObject { ["content"] = "[unused5]", ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false, ["single_word"] = false, ["special"] = false },
        };
        WriteJson(directory, "tokenizer_config.json", config);
        var tokenizer = BertTokenizer.Load(directory);
        Assert.Equal([101, 1037, 6, 1038, 102], tokenizer.Encode(text, 16));
        Assert.Equal(MiniLm.Encode("a[UNUSED5]b", 16), tokenizer.Encode("a[UNUSED5]b", 16)); // matched case-sensitively
    }

    [Fact]
    public void TheLongestAddedTokenWinsAndTruncationCountsIt()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        File.WriteAllText(Path.Combine(directory, "added_tokens.json"), """{"[unused1]": 2, "[unused1]x": 3}""");
        var tokenizer = BertTokenizer.Load(directory);
        Assert.Equal([101, 3, 2, 102], tokenizer.Encode("[unused1]x[unused1]", 16));
        Assert.Equal([101, 3, 102], tokenizer.Encode("[unused1]x[unused1]", 3));
    }

    private static BertTokenizer WithAddedTokens(params JsonObject[] tokens)
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        var config = ReadJson(directory, "tokenizer_config.json");
        var decoder = new JsonObject();
        foreach (var token in tokens) decoder[token["id"]!.GetValue<int>().ToString()] = token.DeepClone();
        config["added_tokens_decoder"] = decoder;
        WriteJson(directory, "tokenizer_config.json", config);
        return BertTokenizer.Load(directory);
    }

    private static JsonObject Token(int id, string content, bool normalized = false, bool singleWord = false, bool special = false) => new()
    {
        ["id"] = id, ["content"] = content, ["normalized"] = normalized, ["single_word"] = singleWord, ["special"] = special, ["lstrip"] = false, ["rstrip"] = false,
    };

    [Fact]
    public void ASingleWordTokenInsideAWordIsNotMatched()
    {
        var tokenizer = WithAddedTokens(Token(6, "[unused5]", singleWord: true));
        Assert.Equal([101, 1037, 6, 1038, 102], tokenizer.Encode("a [unused5] b", 16));
        Assert.Equal(MiniLm.Encode("a[unused5]b", 16), tokenizer.Encode("a[unused5]b", 16));
    }

    [Fact]
    public void ANormalizedTokenMatchesTheNormalisedText()
    {
        // normalized: true tokens are matched after lower-casing and accent stripping, so "CAFÉ" finds "cafe".
        var tokenizer = WithAddedTokens(Token(6, "cafe", normalized: true));
        Assert.Equal([101, 1037, 6, 1038, 102], tokenizer.Encode("a CAFÉ b", 16));
        var exact = WithAddedTokens(Token(6, "cafe", normalized: false));
        Assert.Equal(MiniLm.Encode("a CAFÉ b", 16), exact.Encode("a CAFÉ b", 16));
    }
}
