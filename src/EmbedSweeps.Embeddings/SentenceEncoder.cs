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
public sealed class SentenceEncoder : IDisposable
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
    private Dictionary<(string Prompt, string Text), float[]>? cache;

    /// <summary>
    /// Until the returned scope is disposed, <see cref="Encode"/> remembers every embedding it computes (whole, before
    /// truncation) and never computes one twice: for evaluations that look at the same texts several times (several
    /// Matryoshka dimensions). The weights must not change meanwhile.
    /// </summary>
    public IDisposable CacheEmbeddings()
    {
        cache = new Dictionary<(string, string), float[]>();
        return new CacheScope(this);
    }

    private sealed class CacheScope(SentenceEncoder owner) : IDisposable
    {
        public void Dispose() => owner.cache = null;
    }

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

    /// <summary>
    /// Embeddings of <paramref name="texts"/> as a row-major [texts.Count, Dimension] float32 array, rows in input
    /// order. <paramref name="prompt"/> is written in front of every text, as sentence-transformers' <c>encode(prompt=…)</c>;
    /// null means the model's default prompt (none unless <c>default_prompt_name</c> is set), "" means none.
    /// Texts are sorted by length into batches so padding is small.
    /// </summary>
    public float[] Encode(IReadOnlyList<string> texts, int batchSize = 32, IProgress<int>? progress = null, string? prompt = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        prompt ??= Settings.DefaultPrompt;
        var full = FullDimension;
        var dimension = Dimension;
        if (cache is null && dimension == full) return EncodeWhole(texts, batchSize, progress, prompt); // no copies
        var rows = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
            if (cache?.TryGetValue((prompt, texts[i]), out var cached) == true) rows[i] = cached;
            else missing.Add(i);
        if (missing.Count > 0)
        {
            var computed = EncodeWhole(missing.Select(i => texts[i]).ToList(), batchSize, progress, prompt);
            for (var m = 0; m < missing.Count; m++)
            {
                var row = computed.AsSpan(m * full, full).ToArray();
                rows[missing[m]] = row;
                if (cache is not null) cache[(prompt, texts[missing[m]])] = row;
            }
        }
        var result = new float[(long)texts.Count * dimension];
        for (var i = 0; i < texts.Count; i++) Array.Copy(rows[i], 0, result, (long)i * dimension, dimension);
        return result;
    }

    private float[] EncodeWhole(IReadOnlyList<string> texts, int batchSize, IProgress<int>? progress, string prompt)
    {
        // The prompt's tokens, [CLS] included, [SEP] not: what Pooling leaves out when include_prompt is false.
        var promptLength = prompt.Length > 0 ? Tokenize(prompt).Length - 1 : 0;
        var dimension = FullDimension;
        var result = new float[(long)texts.Count * dimension];
        var ids = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++) ids[i] = Tokenize(prompt + texts[i]);
        var order = Enumerable.Range(0, texts.Count).OrderByDescending(i => ids[i].Length).ToArray();

        var wasTraining = Model.training;
        SetTraining(false);
        try
        {
            using var _ = no_grad();
            for (var start = 0; start < order.Length; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
                var (inputIds, mask) = Batching.Pad(batch.Select(i => ids[i]).ToList(), Tokenizer.PadId, Device);
                using var embeddings = Forward(Model, inputIds, mask, promptLength).to_type(ScalarType.Float32).cpu().contiguous();
                var values = MemoryMarshal.Cast<byte, float>(embeddings.bytes); // a contiguous CPU tensor's memory
                for (var row = 0; row < batch.Length; row++)
                    values.Slice(row * dimension, dimension).CopyTo(result.AsSpan((int)((long)batch[row] * dimension), dimension));
                progress?.Report(batch.Length);
            }
        }
        finally
        {
            SetTraining(wasTraining);
        }
        return result;
    }

    /// <summary>Token ids of one text as this model feeds it (sentence_bert_config's do_lower_case, then the tokenizer).</summary>
    public int[] Tokenize(string text) => Tokenizer.Encode(Layout.DoLowerCase ? text.ToLowerInvariant() : text, MaxSeqLength);

    /// <summary>Sentence embeddings [batch, Dimension] of padded ids; differentiable when grad is on.</summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask) => Forward(Model, inputIds, attentionMask);

    /// <summary>
    /// This pipeline's pooling and head modules on top of <paramref name="model"/> (e.g. a bf16 compute copy of
    /// <see cref="Model"/>); Dense modules compute in their own dtype (float32).
    /// </summary>
    public Tensor Forward(BertModel model, Tensor inputIds, Tensor attentionMask, int promptLength = 0)
    {
        Tensor current;
        using (var tokens = model.forward(inputIds, attentionMask))
            current = Pooler.Pool(Layout.Pooling, tokens, attentionMask, promptLength);
        for (var i = 0; i < head.Count; i++)
        {
            using var input = current;
            if (head[i] is { } dense)
            {
                using var typed = input.to_type(ScalarType.Float32);
                current = dense.forward(typed);
            }
            else current = nn.functional.normalize(input, p: 2, dim: 1, eps: 1e-12);
        }
        return current;
    }

    private void SetTraining(bool training)
    {
        Model.train(training);
        foreach (var module in head) module?.train(training);
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
