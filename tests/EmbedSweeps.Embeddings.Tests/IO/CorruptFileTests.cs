using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using static EmbedSweeps.Embeddings.Tests.ModelCopies;

namespace EmbedSweeps.Embeddings.Tests.IO;

/// <summary>Damaged model files: one <see cref="EmbedSweepsException"/> sentence naming the file, never another exception.</summary>
public sealed class CorruptFileTests
{
    // A safetensors file with this header and data section.
    private static string SafetensorsWith(string header, int dataBytes, long? declaredHeaderLength = null)
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), Safetensors.FileName);
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, declaredHeaderLength ?? json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static TheoryData<string, int, long?, string> BrokenSafetensors => new()
    {
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}""", 16, null, "uplicate" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12, null, "overlap" },
        { """{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""", 8, null, "16" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 8, 1L << 20, "header length" },
        { """{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}""", 8, null, "needs 12 bytes" },
        { """{"a": {"dtype": "F32", "shape": ["two"], "data_offsets": [0, 8]}}""", 8, null, "wrong type" },
        { """{"a": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}}""", 8, null, "Q4" },
        { """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}""", 8, null, "data_offsets" },
        { """[1, 2]""", 0, null, "JSON object" },
    };

    [Theory]
    [MemberData(nameof(BrokenSafetensors))]
    public void ABrokenSafetensorsHeaderIsNamed(string header, int dataBytes, long? declaredHeaderLength, string detail)
    {
        var path = SafetensorsWith(header, dataBytes, declaredHeaderLength);
        var error = Assert.Throws<EmbedSweepsException>(() => Safetensors.Load(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void AVocabularyWithARepeatedLineIsNamedWithItsLine()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        var vocab = Path.Combine(directory, "vocab.txt");
        var lines = File.ReadAllLines(vocab);
        lines[2000] = lines[1999];
        File.WriteAllLines(vocab, lines);
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.StartsWith($"{vocab}:2001:", error.Message);
        Assert.Contains("line 2000", error.Message);
    }

    [Fact]
    public void ATokenizerJsonThatIsNotWordPieceSaysWhatIsSupported()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "tokenizer.json", new JsonObject { ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = new JsonObject() } });
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains("BPE", error.Message);
        Assert.Contains("WordPiece", error.Message);
    }

    [Theory]
    [InlineData("1_Pooling/config.json", """{"embedding_dimension": "wide"}""")]
    [InlineData("1_Pooling/config.json", """{"word_embedding_dimension": 384, "word_embedding_dimension": 384}""")]
    [InlineData("modules.json", """[{"type": "sentence_transformers.models.Transformer"}]""")]
    [InlineData("sentence_bert_config.json", """{"max_seq_length": "long"}""")]
    [InlineData("tokenizer_config.json", """{"do_lower_case": "yes"}""")]
    [InlineData("tokenizer_config.json", """{"model_max_length": -3}""")]
    [InlineData("tokenizer_config.json", """{"added_tokens_decoder": {"7": {"content": "[x]", "special": "yes"}}}""")]
    [InlineData("modules.json", """[1, 2]""")]
    [InlineData("config.json", """{"num_attention_heads": 0}""")]
    [InlineData("config_sentence_transformers.json", """{"prompts": {"query": 3}}""")]
    [InlineData("config_sentence_transformers.json", """{"prompts": {}, "default_prompt_name": "query"}""")]
    public void AConfigWithAWrongValueIsNamed(string file, string content)
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        File.WriteAllText(Path.Combine(directory, file), content);
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains(directory, error.Message);
        Assert.Contains(Path.GetFileName(file), error.Message);
    }

    [Fact]
    public void AnAddedTokenWithoutARowInTheEmbeddingMatrixIsRefusedAtLoad()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        var config = ReadJson(directory, "tokenizer_config.json");
        config["added_tokens_decoder"] = new JsonObject { ["40000"] = new JsonObject { ["content"] = "<new>", ["special"] = true } };
        WriteJson(directory, "tokenizer_config.json", config);
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("40000", error.Message);
        Assert.Contains("vocab_size", error.Message);
    }
}
