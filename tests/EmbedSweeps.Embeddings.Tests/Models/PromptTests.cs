using System.Text.Json.Nodes;
using static EmbedSweeps.Embeddings.Tests.ModelCopies;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Models;

/// <summary>config_sentence_transformers.json: prompts, the default prompt, include_prompt and the similarity function.</summary>
public sealed class PromptTests
{
    private static readonly string[] Texts = ["what is the capital of china?", "how to bake bread"];

    [Fact]
    public void ANamedPromptIsTheSameAsWritingItInFrontOfEachText()
    {
        using var arctic = SentenceEncoder.Load(SharedFiles.Arctic);
        var query = arctic.Settings.Prompt("query");
        Assert.Equal("Represent this sentence for searching relevant passages: ", query);
        Assert.Equal(arctic.Encode(Texts.Select(t => query + t).ToList()), arctic.Encode(Texts, prompt: query));
        Assert.NotEqual(arctic.Encode(Texts), arctic.Encode(Texts, prompt: query));
        var error = Assert.Throws<EmbedSweepsException>(() => arctic.Settings.Prompt("passage"));
        Assert.Contains("query", error.Message);
    }

    [Fact]
    public void SavingKeepsThePromptsAndTheSimilarityFunction()
    {
        using var arctic = SentenceEncoder.Load(SharedFiles.Arctic);
        var saved = SharedFiles.NewTemporaryDirectory();
        arctic.Save(saved);
        var settings = ReadJson(saved, "config_sentence_transformers.json");
        Assert.Equal("Represent this sentence for searching relevant passages: ", settings["prompts"]!["query"]!.GetValue<string>());
        Assert.Equal("cosine", settings["similarity_fn_name"]!.GetValue<string>());
        using var reloaded = SentenceEncoder.Load(saved);
        Assert.Equal(arctic.Settings.Prompts, reloaded.Settings.Prompts);
    }

    [Fact]
    public void TheDefaultPromptAppliesWhenNoneIsNamed()
    {
        var directory = CopyOf(SharedFiles.Arctic);
        var settings = ReadJson(directory, "config_sentence_transformers.json");
        settings["default_prompt_name"] = "query";
        settings["similarity_fn_name"] = "dot";
        WriteJson(directory, "config_sentence_transformers.json", settings);
        using var withDefault = SentenceEncoder.Load(directory);
        using var arctic = SentenceEncoder.Load(SharedFiles.Arctic);
        Assert.Equal(arctic.Encode(Texts, prompt: arctic.Settings.Prompt("query")), withDefault.Encode(Texts));
        Assert.Equal(arctic.Encode(Texts), withDefault.Encode(Texts, prompt: ""));
        Assert.Equal("dot", withDefault.Settings.SimilarityFunction);
    }

    [Fact]
    public void IncludePromptFalseLeavesThePromptTokensOutOfTheMean()
    {
        const string prompt = "query: ";
        var directory = CopyOf(SharedFiles.MiniLm);
        var pooling = ReadJson(directory, "1_Pooling/config.json");
        pooling["include_prompt"] = false;
        WriteJson(directory, "1_Pooling/config.json", pooling);
        using var encoder = SentenceEncoder.Load(directory);
        var actual = encoder.Encode(Texts, prompt: prompt);

        // Expected: the mean of the token embeddings after [CLS] + the prompt's tokens, normalised.
        var promptLength = encoder.Tokenize(prompt).Length - 1; // [CLS] query : — [SEP] is not part of it
        Assert.Equal(3, promptLength);
        for (var row = 0; row < Texts.Length; row++)
        {
            var ids = encoder.Tokenize(prompt + Texts[row]);
            using var input = tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0);
            using var mask = ones_like(input);
            using var _ = no_grad();
            using var tokens = encoder.Model.forward(input, mask);
            using var kept = tokens[0].narrow(0, promptLength, ids.Length - promptLength);
            using var mean = kept.mean([0]);
            using var normalised = nn.functional.normalize(mean, p: 2, dim: 0);
            AssertClose(normalised.data<float>().ToArray(), actual.AsSpan(row * 384, 384).ToArray());
        }
    }

    [Fact]
    public void MtebPicksTheQueryPromptOnlyForQueries()
    {
        using var arctic = SentenceEncoder.Load(SharedFiles.Arctic);
        Assert.Null(arctic.Settings.PromptForTask("STSBenchmark", "STS", null));
        Assert.Null(arctic.Settings.PromptForTask("Banking77Classification", "Classification", null));
        Assert.Equal(arctic.Settings.Prompt("query"), arctic.Settings.PromptForTask("MyRetrieval", "Retrieval", "query"));
    }

    [Fact]
    public void AnUnknownSimilarityFunctionIsRefused()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "config_sentence_transformers.json", new JsonObject { ["similarity_fn_name"] = "jaccard" });
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("config_sentence_transformers.json", error.Message);
        Assert.Contains("jaccard", error.Message);
    }
}
