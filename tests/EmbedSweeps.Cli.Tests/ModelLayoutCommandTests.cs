using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// `encode` on all-MiniLM-L6-v2 saved the ways other sentence-transformers versions and the hub save it: each
/// gives the reference embeddings of the original model.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ModelLayoutCommandTests
{
    private static readonly string Source = Path.Combine(CliRunner.Shared, "models", "all-MiniLM-L6-v2");

    public static TheoryData<string> Kinds => new() { "compact-pooling", "st6-module-names", "gamma-beta", "tokenizer-model-max-length", "tokenizer-json-only" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryLayoutEncodesAsTheReference(string kind)
    {
        var model = CopyOfSource();
        Rewrite(model, kind);
        var cases = File.ReadAllLines(Path.Combine(CliRunner.Shared, "reference", "cases.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
        var input = Path.Combine(CliRunner.NewTemporaryDirectory(), "texts.jsonl");
        File.WriteAllLines(input, cases.Select(text => JsonSerializer.Serialize(new { text })));
        var output = input + ".npy";

        var result = CliRunner.Run("encode", "--model", model, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);
        var original = CliRunner.Run("encode", "--model", Source, "--input", input, "--output", output + ".original.npy");
        Assert.True(original.ExitCode == 0, original.Error);

        var (actual, shape) = Npy.ReadFloat32(output);
        var (expected, expectedShape) = Npy.ReadFloat32(output + ".original.npy");
        var (reference, _) = Npy.ReadFloat32(Path.Combine(CliRunner.Shared, "reference", "all-MiniLM-L6-v2.npy"));
        Assert.Equal([cases.Count, 384], shape);
        Assert.Equal(expectedShape, shape);
        Assert.True(actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max() <= 1e-5, $"{kind}: differs from the original model by more than 1e-5");
        Assert.True(actual.Zip(reference, (a, e) => Math.Abs(a - e)).Max() < 1e-4, $"{kind}: differs from the reference");
    }

    [Fact]
    public void PromptNameAndPromptGiveTheSameEmbeddings()
    {
        var input = Path.Combine(CliRunner.NewTemporaryDirectory(), "texts.txt");
        File.WriteAllLines(input, ["what is the capital of china?", "how to bake bread"]);
        const string arctic = "Snowflake/snowflake-arctic-embed-xs";
        Assert.Equal(0, CliRunner.Run("encode", "--model", arctic, "--input", input, "--output", input + ".named.npy", "--prompt-name", "query").ExitCode);
        Assert.Equal(0, CliRunner.Run("encode", "--model", arctic, "--input", input, "--output", input + ".text.npy",
            "--prompt", "Represent this sentence for searching relevant passages: ").ExitCode);
        Assert.Equal(0, CliRunner.Run("encode", "--model", arctic, "--input", input, "--output", input + ".none.npy").ExitCode);
        Assert.Equal(Npy.ReadFloat32(input + ".text.npy").Data, Npy.ReadFloat32(input + ".named.npy").Data);
        Assert.NotEqual(Npy.ReadFloat32(input + ".none.npy").Data, Npy.ReadFloat32(input + ".named.npy").Data);

        var unknown = CliRunner.Run("encode", "--model", arctic, "--input", input, "--output", input + ".x.npy", "--prompt-name", "passage");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("query", unknown.Error);
    }

    [Fact]
    public void ASafetensorsHeaderNamingATensorTwiceExitsTwoNamingTheFile()
    {
        var model = CopyOfSource();
        var path = Path.Combine(model, "model.safetensors");
        var header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)json.Length), .. json, .. new byte[8]]);
        var input = Path.Combine(CliRunner.NewTemporaryDirectory(), "texts.txt");
        File.WriteAllText(input, "hello");

        var result = CliRunner.Run("encode", "--model", model, "--input", input, "--output", input + ".npy");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    private static string CopyOfSource()
    {
        var target = CliRunner.NewTemporaryDirectory();
        foreach (var file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return target;
    }

    private static void Rewrite(string model, string kind)
    {
        void Write(string relative, JsonNode json) => File.WriteAllText(Path.Combine(model, relative), json.ToJsonString());
        JsonNode Read(string relative) => JsonNode.Parse(File.ReadAllText(Path.Combine(model, relative)))!;
        switch (kind)
        {
            case "compact-pooling": // sentence-transformers 5.4+
                Write("1_Pooling/config.json", new JsonObject { ["embedding_dimension"] = 384, ["pooling_mode"] = "mean", ["include_prompt"] = true });
                break;
            case "st6-module-names":
                var modules = Read("modules.json").AsArray();
                modules[0]!["type"] = "sentence_transformers.base.modules.transformer.Transformer";
                modules[1]!["type"] = "sentence_transformers.sentence_transformer.modules.pooling.Pooling";
                modules[2]!["type"] = "sentence_transformers.base.modules.normalize.Normalize";
                Write("modules.json", modules);
                break;
            case "gamma-beta": // TensorFlow-era LayerNorm names
                var weights = Safetensors.Load(Path.Combine(model, "model.safetensors"));
                Safetensors.Save(Path.Combine(model, "model.safetensors"),
                    weights.Select(p => KeyValuePair.Create(p.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"), p.Value)));
                break;
            case "tokenizer-model-max-length": // no sentence_bert_config.json: the tokenizer's limit applies
                File.Delete(Path.Combine(model, "sentence_bert_config.json"));
                var tokenizerConfig = Read("tokenizer_config.json");
                tokenizerConfig["model_max_length"] = 256;
                Write("tokenizer_config.json", tokenizerConfig);
                break;
            case "tokenizer-json-only": // the hub's fast-tokenizer file instead of vocab.txt
                var lines = File.ReadAllLines(Path.Combine(model, "vocab.txt"));
                File.Delete(Path.Combine(model, "vocab.txt"));
                var vocab = new JsonObject();
                for (var i = 0; i < lines.Length; i++) vocab[lines[i]] = i;
                Write("tokenizer.json", new JsonObject { ["model"] = new JsonObject { ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["vocab"] = vocab } });
                break;
        }
    }
}
