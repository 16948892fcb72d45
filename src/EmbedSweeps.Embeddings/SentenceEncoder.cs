using System.Runtime.InteropServices;
using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Models;
using EmbedSweeps.Embeddings.Models.Bert;
using EmbedSweeps.Embeddings.Pooling;
using EmbedSweeps.Embeddings.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings;

/// <summary>
/// A sentence-transformers model: BERT → pooling → any Dense and Normalize modules, with its tokenizer, prompts
/// and similarity function. Loads every layout sentence-transformers has written (see
/// <see cref="SentenceTransformerLayout"/>) and saves the classic one, which Python loads.
/// </summary>
public sealed partial class SentenceEncoder : IDisposable
{
    private static readonly string[] TokenizerFiles =
        ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json", "added_tokens.json"];
    private readonly string transformerDirectory;
    private readonly IReadOnlyList<DenseModule?> head; // one per Layout.Head entry; null for Normalize

    private SentenceEncoder(BertModel model, BertTokenizer tokenizer, SentenceTransformerLayout layout, IReadOnlyList<DenseModule?> head,
        ModelSettings settings, int maxSeqLength, ScalarType storedDtype, string transformerDirectory, IReadOnlyList<string> unexpectedKeys)
    {
        Model = model;
        Tokenizer = tokenizer;
        Layout = layout;
        Settings = settings;
        MaxSeqLength = maxSeqLength;
        StoredDtype = storedDtype;
        UnexpectedKeys = unexpectedKeys;
        this.head = head;
        this.transformerDirectory = transformerDirectory;
    }

    public BertModel Model { get; }
    public BertTokenizer Tokenizer { get; }
    public SentenceTransformerLayout Layout { get; }

    /// <summary>Prompts, default prompt and similarity function (config_sentence_transformers.json).</summary>
    public ModelSettings Settings { get; }

    /// <summary>Texts are cut to this many tokens, [CLS] and [SEP] included.</summary>
    public int MaxSeqLength { get; set; }
    public Device Device { get; private set; } = CPU;

    /// <summary>The dtype the weights had on disk; <see cref="Save"/> writes them back in it.</summary>
    public ScalarType StoredDtype { get; }

    /// <summary>Checkpoint keys that are not BERT parameters (reported, then ignored).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Width of the model's sentence embedding: the last Dense module's out_features, else modes × hidden size.</summary>
    public int FullDimension => head.OfType<DenseModule>().LastOrDefault()?.OutFeatures
        ?? Layout.Pooling.WordEmbeddingDimension * Layout.Pooling.ModeCount;

    /// <summary>Width of what <see cref="Encode"/> returns: <see cref="FullDimension"/>, or <see cref="TruncateDim"/> when set.</summary>
    public int Dimension => TruncateDim is { } truncated ? Math.Min(truncated, FullDimension) : FullDimension;

    /// <summary>
    /// sentence-transformers' <c>truncate_dim</c> (Matryoshka evaluation): <see cref="Encode"/> keeps each embedding's
    /// first N values, after the model's own normalisation, as the library does. Null: the whole embedding.
    /// </summary>
    public int? TruncateDim
    {
        get => truncateDim;
        set => truncateDim = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "a truncation needs at least one dimension");
    }

    private int? truncateDim;

    /// <summary>The trainable parameters after pooling (Dense modules), named <c>head.N.linear.weight</c>.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> HeadParameters =>
        head.SelectMany((module, i) => module is null ? [] : module.named_parameters().Select(p => ($"head.{i}.{p.name}", p.parameter)));

    /// <summary>Loads a sentence-transformers (or plain BERT) directory onto <paramref name="device"/>.</summary>
    public static SentenceEncoder Load(string directory, Device? device = null)
    {
        if (!Directory.Exists(directory)) throw new EmbedSweepsException($"{directory}: no such model directory.");
        var layout = SentenceTransformerLayout.Read(directory, folder => BertConfig.Load(Path.Combine(folder, "config.json")).HiddenSize);
        var transformerDirectory = Path.Combine(directory, layout.TransformerFolder);
        var config = BertConfig.Load(Path.Combine(transformerDirectory, "config.json"));
        var tokenizer = BertTokenizer.Load(transformerDirectory);
        if (tokenizer.Vocabulary.Count > config.VocabSize)
            throw new EmbedSweepsException(
                $"{Path.Combine(transformerDirectory, "vocab.txt")}: has {tokenizer.Vocabulary.Count} tokens but the embedding matrix has {config.VocabSize} rows (config.json vocab_size); the vocabulary does not belong to these weights.");
        if (tokenizer.MaxTokenId >= config.VocabSize)
            throw new EmbedSweepsException(
                $"{transformerDirectory}: an added token has id {tokenizer.MaxTokenId} but the embedding matrix has only {config.VocabSize} rows (config.json vocab_size); resize the embeddings in Python (model.resize_token_embeddings) and save again.");
        var settings = ModelSettings.Read(directory);

        var weights = ModelWeights.Load(transformerDirectory);
        List<DenseModule?> head = [];
        BertModel? model = null;
        try
        {
            var (state, unexpected, hasPooler, dtype) = WeightNames.Normalise(weights);
            head = LoadHead(directory, layout, layout.Pooling.WordEmbeddingDimension * layout.Pooling.ModeCount);
            model = new BertModel(config, hasPooler);
            WeightNames.Assign(model, state, transformerDirectory);
            model.eval();
            // sentence-transformers: its own max_seq_length, else the tokenizer's model_max_length; never past the position table.
            var maxLength = Math.Min(layout.MaxSeqLength ?? tokenizer.ModelMaxLength ?? config.MaxPositionEmbeddings, config.MaxPositionEmbeddings);
            var encoder = new SentenceEncoder(model, tokenizer, layout, head, settings, maxLength, dtype, transformerDirectory, unexpected);
            if (device is not null) encoder.To(device);
            return encoder;
        }
        catch
        {
            model?.Dispose();
            foreach (var module in head) module?.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    private static List<DenseModule?> LoadHead(string directory, SentenceTransformerLayout layout, int width)
    {
        var modules = new List<DenseModule?>();
        try
        {
            foreach (var step in layout.Head)
            {
                if (step.Kind != ModuleKind.Dense) { modules.Add(null); continue; }
                var dense = DenseModule.Load(Path.Combine(directory, step.Folder), width);
                modules.Add(dense);
                width = dense.OutFeatures;
            }
            return modules;
        }
        catch
        {
            foreach (var module in modules) module?.Dispose();
            throw;
        }
    }

    public SentenceEncoder To(Device device)
    {
        Model.to(device);
        foreach (var module in head) module?.to(device);
        Device = device;
        return this;
    }

    /// <summary>Writes the sentence-transformers layout to <paramref name="directory"/> (created if needed).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        Model.Config.Save(Path.Combine(directory, "config.json"));
        var state = Model.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter.detach().to_type(StoredDtype)));
        var materialised = state.ToList();
        try
        {
            Safetensors.Save(Path.Combine(directory, Safetensors.FileName), materialised);
        }
        finally
        {
            foreach (var pair in materialised) pair.Value.Dispose();
        }
        foreach (var file in TokenizerFiles)
        {
            var source = Path.Combine(transformerDirectory, file);
            var target = Path.Combine(directory, file);
            if (!File.Exists(source) || Path.GetFullPath(source) == Path.GetFullPath(target)) continue;
            File.Copy(source, target, overwrite: true);
            // A read-only mirror's permissions must not follow the copy: the saved model is the user's to change.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserWrite);
        }
        var folders = Layout.Write(directory, MaxSeqLength);
        for (var i = 0; i < head.Count; i++) head[i]?.Save(Path.Combine(directory, folders[i]));
        Settings.Write(directory);
    }

    public void Dispose()
    {
        Model.Dispose();
        foreach (var module in head) module?.Dispose();
    }
}
