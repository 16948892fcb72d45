using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Pooling;
using static EmbedSweeps.Embeddings.Tests.ModelCopies;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Models;

/// <summary>
/// all-MiniLM-L6-v2 with its files rewritten the way other sentence-transformers versions and the hub write
/// them: same weights, so each must encode as the original does (max abs 1e-5).
/// </summary>
public sealed class LayoutVariantTests
{
    private static readonly string[] Texts = ["A man is playing a guitar.", "北京是中国的首都。", "", "Déjà vu, again!"];
    private static readonly Lazy<float[]> Original = new(() =>
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        return encoder.Encode(Texts);
    });

    private static float[] EncodeCopy(string directory)
    {
        using var encoder = SentenceEncoder.Load(directory);
        return encoder.Encode(Texts);
    }

    [Fact]
    public void CompactPoolingConfigOfSentenceTransformers54Loads()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "1_Pooling/config.json", new JsonObject { ["embedding_dimension"] = 384, ["pooling_mode"] = "mean", ["include_prompt"] = true });
        AssertClose(Original.Value, EncodeCopy(directory));
    }

    [Fact]
    public void APoolingConfigWithoutModesMeansMeanPooling()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "1_Pooling/config.json", new JsonObject { ["word_embedding_dimension"] = 384 });
        AssertClose(Original.Value, EncodeCopy(directory));
    }

    [Fact]
    public void APoolingModeListConcatenatesInItsOrder()
    {
        float[] Pool(JsonNode modes)
        {
            var directory = CopyOf(SharedFiles.MiniLm, "modules.json");
            WriteJson(directory, "modules.json", ModulesJson(("", "Transformer"), ("1_Pooling", "Pooling")));
            WriteJson(directory, "1_Pooling/config.json", new JsonObject { ["embedding_dimension"] = 384, ["pooling_mode"] = modes });
            using var encoder = SentenceEncoder.Load(directory);
            Assert.Equal(((JsonArray)modes).Count * 384, encoder.Dimension);
            return encoder.Encode(Texts);
        }
        var clsMean = Pool(new JsonArray("cls", "mean"));
        var meanCls = Pool(new JsonArray("mean", "cls"));
        var cls = Pool(new JsonArray("cls"));
        for (var row = 0; row < Texts.Length; row++)
        {
            var first = clsMean.AsSpan(row * 768, 384).ToArray();
            var second = clsMean.AsSpan(row * 768 + 384, 384).ToArray();
            AssertClose(cls.AsSpan(row * 384, 384).ToArray(), first);
            // The mean half, normalised, is the original model's embedding (its pipeline normalises mean pooling).
            AssertClose(Original.Value.AsSpan(row * 384, 384).ToArray(), Normalised(second));
            Assert.Equal(second, meanCls.AsSpan(row * 768, 384).ToArray());
            Assert.Equal(first, meanCls.AsSpan(row * 768 + 384, 384).ToArray());
        }
    }

    [Fact]
    public void TheClassicFormKeepsMeanWhenItsFlagIsAbsent()
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), "config.json");
        File.WriteAllText(path, """{"word_embedding_dimension": 8, "pooling_mode_cls_token": true}""");
        Assert.Equal([PoolingMode.Cls, PoolingMode.Mean], PoolingConfig.Load(path).Modes); // Pooling.__init__'s defaults
        File.WriteAllText(path, """{"embedding_dimension": 8, "pooling_mode": "Median"}""");
        var error = Assert.Throws<EmbedSweepsException>(() => PoolingConfig.Load(path));
        Assert.Contains("Median", error.Message);
        Assert.Contains("weightedmean", error.Message);
    }

    [Theory]
    [InlineData("sentence_transformers.base.modules.transformer.Transformer", "sentence_transformers.sentence_transformer.modules.pooling.Pooling", "sentence_transformers.base.modules.normalize.Normalize")]
    [InlineData("sentence_transformers.models.Transformer.Transformer", "sentence_transformers.models.Pooling.Pooling", "sentence_transformers.models.Normalize.Normalize")]
    public void EveryReleasedSpellingOfTheModuleTypesLoads(string transformer, string pooling, string normalize)
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "modules.json", new JsonArray(
            new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = transformer },
            new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = "1_Pooling", ["type"] = pooling },
            new JsonObject { ["idx"] = 2, ["name"] = "2", ["path"] = "2_Normalize", ["type"] = normalize }));
        AssertClose(Original.Value, EncodeCopy(directory));
    }

    [Fact]
    public void ATransformerInItsOwnFolderLoads()
    {
        // Older sentence-transformers saved the transformer under 0_Transformer/ (or 0_BERT/) with its own configs.
        var directory = SharedFiles.NewTemporaryDirectory();
        var transformer = CopyOf(SharedFiles.MiniLm, "modules.json", "1_Pooling/config.json");
        Directory.Move(transformer, Path.Combine(directory, "0_Transformer"));
        Directory.CreateDirectory(Path.Combine(directory, "1_Pooling"));
        File.Copy(Path.Combine(SharedFiles.MiniLm, "1_Pooling", "config.json"), Path.Combine(directory, "1_Pooling", "config.json"));
        WriteJson(directory, "modules.json", ModulesJson(("0_Transformer", "sentence_transformers.models.BERT"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")));
        AssertClose(Original.Value, EncodeCopy(directory));
    }

    [Fact]
    public void DenseModulesRunWhereverThePipelinePutsThem()
    {
        // Transformer → Pooling → Normalize → Dense(384→16, tanh) → Normalize: the expected value is computed
        // here, in plain arithmetic, from the original model's embeddings.
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "modules.json", ModulesJson(("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize"),
            ("3_Dense", "sentence_transformers.base.modules.dense.Dense"), ("4_Normalize", "Normalize")));
        var (weight, bias) = WriteDense(Path.Combine(directory, "3_Dense"), 384, 16, "torch.nn.modules.activation.Tanh", binary: false);

        var expected = new float[Texts.Length * 16];
        for (var row = 0; row < Texts.Length; row++)
        {
            var input = Original.Value.AsSpan(row * 384, 384);
            var output = new float[16];
            for (var o = 0; o < 16; o++)
            {
                double sum = bias[o];
                for (var i = 0; i < 384; i++) sum += weight[o * 384 + i] * (double)input[i];
                output[o] = (float)Math.Tanh(sum);
            }
            Normalised(output).CopyTo(expected, row * 16);
        }
        using var encoder = SentenceEncoder.Load(directory);
        Assert.Equal(16, encoder.Dimension);
        AssertClose(expected, encoder.Encode(Texts));

        // Saved and loaded again (classic layout, Dense weights in safetensors): bit-identical.
        var saved = SharedFiles.NewTemporaryDirectory();
        encoder.Save(saved);
        Assert.Equal(["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize",
            "sentence_transformers.models.Dense", "sentence_transformers.models.Normalize"],
            ReadJson(saved, "modules.json").AsArray().Select(m => m!["type"]!.GetValue<string>()));
        Assert.Equal("torch.nn.modules.activation.Tanh", ReadJson(saved, "3_Dense/config.json")["activation_function"]!.GetValue<string>());
        Assert.Equal(encoder.Encode(Texts), EncodeCopy(saved));
    }

    [Fact]
    public void DenseWeightsAsPytorchModelBinLoadLikeSafetensors()
    {
        var withSafetensors = CopyOf(SharedFiles.MiniLm);
        var withBin = CopyOf(SharedFiles.MiniLm);
        foreach (var (directory, binary) in new[] { (withSafetensors, false), (withBin, true) })
        {
            WriteJson(directory, "modules.json", ModulesJson(("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Dense", "Dense")));
            WriteDense(Path.Combine(directory, "2_Dense"), 384, 8, "torch.nn.modules.linear.Identity", binary);
        }
        Assert.Equal(EncodeCopy(withSafetensors), EncodeCopy(withBin));
    }

    [Fact]
    public void AnUnknownModuleNamesItself()
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "modules.json", ModulesJson(("", "Transformer"), ("1_Pooling", "Pooling"), ("2_LayerNorm", "sentence_transformers.models.LayerNorm")));
        var error = Assert.Throws<EmbedSweepsException>(() => SentenceEncoder.Load(directory));
        Assert.Contains("sentence_transformers.models.LayerNorm", error.Message);
        Assert.Contains("modules.json", error.Message);
        Assert.Contains("2_LayerNorm", error.Message);
    }

    [Fact]
    public void LayerNormWeightsNamedGammaAndBetaLoad()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "model.safetensors");
        var weights = Safetensors.Load(Path.Combine(SharedFiles.MiniLm, Safetensors.FileName));
        var renamed = weights.ToDictionary(
            p => p.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"), p => p.Value);
        Assert.Equal(26, renamed.Keys.Count(k => k.EndsWith(".gamma") || k.EndsWith(".beta")));
        Safetensors.Save(Path.Combine(directory, Safetensors.FileName), renamed);
        AssertClose(Original.Value, EncodeCopy(directory));
    }

    [Fact]
    public void WithoutSentenceBertConfigTheTokenizersModelMaxLengthCutsTexts()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "sentence_bert_config.json");
        var tokenizerConfig = ReadJson(directory, "tokenizer_config.json");
        tokenizerConfig["model_max_length"] = 128;
        WriteJson(directory, "tokenizer_config.json", tokenizerConfig);
        var longText = string.Join(' ', Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? "word" : "other"));

        using var encoder = SentenceEncoder.Load(directory);
        Assert.Equal(128, encoder.MaxSeqLength);
        Assert.Equal(128, encoder.Tokenize(longText).Length);
        using var original = SentenceEncoder.Load(SharedFiles.MiniLm);
        original.MaxSeqLength = 128;
        AssertClose(original.Encode([longText]), encoder.Encode([longText]));

        tokenizerConfig["model_max_length"] = 1000000000000000019884624838656.0; // transformers' "no limit"
        WriteJson(directory, "tokenizer_config.json", tokenizerConfig);
        using var unlimited = SentenceEncoder.Load(directory);
        Assert.Equal(512, unlimited.MaxSeqLength); // max_position_embeddings
    }

    [Fact]
    public void ATokenizerJsonAloneProvidesTheVocabulary()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "vocab.txt");
        var vocab = new JsonObject();
        var lines = File.ReadAllLines(Path.Combine(SharedFiles.MiniLm, "vocab.txt"));
        for (var i = 0; i < lines.Length; i++) vocab[lines[i]] = i;
        WriteJson(directory, "tokenizer.json", new JsonObject
        {
            ["version"] = "1.0",
            // BertTokenizerFast replaces the normaliser's settings with tokenizer_config.json's (do_lower_case: true).
            ["normalizer"] = new JsonObject { ["type"] = "BertNormalizer", ["lowercase"] = false, ["strip_accents"] = false, ["handle_chinese_chars"] = true, ["clean_text"] = true },
            ["model"] = new JsonObject { ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100, ["vocab"] = vocab },
        });
        AssertClose(Original.Value, EncodeCopy(directory));
    }

    [Theory]
    [InlineData("max")]
    [InlineData("mean_sqrt_len_tokens")]
    [InlineData("weightedmean")]
    [InlineData("lasttoken")]
    public void EveryPoolingModeMatchesItsDefinitionDespitePadding(string mode)
    {
        var directory = CopyOf(SharedFiles.MiniLm);
        WriteJson(directory, "modules.json", ModulesJson(("", "Transformer"), ("1_Pooling", "Pooling")));
        WriteJson(directory, "1_Pooling/config.json", new JsonObject { ["embedding_dimension"] = 384, ["pooling_mode"] = mode });
        using var encoder = SentenceEncoder.Load(directory);
        var actual = encoder.Encode(Texts, batchSize: 4); // one batch: the shorter texts are padded

        for (var row = 0; row < Texts.Length; row++)
        {
            // The definition, on the text alone (no padding), from the transformer's token embeddings.
            var ids = encoder.Tokenize(Texts[row]);
            using var input = tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0);
            using var mask = ones_like(input);
            using var _ = no_grad();
            using var tokens = encoder.Model.forward(input, mask);
            using var t = tokens[0];
            var n = ids.Length;
            using var expected = mode switch
            {
                "max" => t.max(0).values,
                "mean_sqrt_len_tokens" => t.sum([0L]) / Math.Sqrt(n),
                "weightedmean" => (t * arange(1, n + 1, dtype: ScalarType.Float32).unsqueeze(1)).sum([0L]) / (n * (n + 1) / 2.0),
                _ => t[n - 1].clone(),
            };
            AssertClose(expected.data<float>().ToArray(), actual.AsSpan(row * 384, 384).ToArray());
        }
    }

    internal static JsonArray ModulesJson(params (string Path, string Type)[] modules) => new(modules.Select((m, i) => (JsonNode)new JsonObject
    {
        ["idx"] = i, ["name"] = i.ToString(), ["path"] = m.Path, ["type"] = m.Type.Contains('.') ? m.Type : $"sentence_transformers.models.{m.Type}",
    }).ToArray());

    private static (float[] Weight, float[] Bias) WriteDense(string folder, int inFeatures, int outFeatures, string activation, bool binary)
    {
        Directory.CreateDirectory(folder);
        WriteJson(folder, "config.json", new JsonObject { ["in_features"] = inFeatures, ["out_features"] = outFeatures, ["bias"] = true, ["activation_function"] = activation });
        var random = new Random(7);
        var weight = Enumerable.Range(0, inFeatures * outFeatures).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();
        var bias = Enumerable.Range(0, outFeatures).Select(_ => (float)(random.NextDouble() - 0.5) * 0.1f).ToArray();
        using var weightTensor = tensor(weight).reshape(outFeatures, inFeatures);
        using var biasTensor = tensor(bias);
        if (binary)
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(Path.Combine(folder, "pytorch_model.bin"),
                new System.Collections.Hashtable { ["linear.weight"] = weightTensor, ["linear.bias"] = biasTensor });
        else
            Safetensors.Save(Path.Combine(folder, Safetensors.FileName), [new("linear.weight", weightTensor), new("linear.bias", biasTensor)]);
        return (weight, bias);
    }

    private static float[] Normalised(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        return vector.Select(v => (float)(v / Math.Max(norm, 1e-12))).ToArray();
    }
}
