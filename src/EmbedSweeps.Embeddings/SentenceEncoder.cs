using EmbedSweeps.Embeddings.IO;
using EmbedSweeps.Embeddings.Models;
using EmbedSweeps.Embeddings.Models.Bert;
using EmbedSweeps.Embeddings.Pooling;
using EmbedSweeps.Embeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings;

/// <summary>
/// A sentence-transformers model: BERT → pooling → optional L2 normalisation, with its tokenizer.
/// Loads and saves the sentence-transformers directory layout, so Python can read what we write.
/// </summary>
public sealed class SentenceEncoder : IDisposable
{
    private static readonly string[] TokenizerFiles = ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json"];
    private readonly string sourceDirectory;

    private SentenceEncoder(BertModel model, BertTokenizer tokenizer, SentenceTransformerLayout layout, int maxSeqLength,
        ScalarType storedDtype, string sourceDirectory, IReadOnlyList<string> unexpectedKeys)
    {
        Model = model;
        Tokenizer = tokenizer;
        Layout = layout;
        MaxSeqLength = maxSeqLength;
        StoredDtype = storedDtype;
        UnexpectedKeys = unexpectedKeys;
        this.sourceDirectory = sourceDirectory;
    }

    public BertModel Model { get; }
    public BertTokenizer Tokenizer { get; }
    public SentenceTransformerLayout Layout { get; }
    public int MaxSeqLength { get; set; }
    public Device Device { get; private set; } = CPU;

    /// <summary>The dtype the weights had on disk; <see cref="Save"/> writes them back in it.</summary>
    public ScalarType StoredDtype { get; }

    /// <summary>Checkpoint keys that are not BERT parameters (reported, then ignored).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    public int Dimension => Layout.Pooling.WordEmbeddingDimension * Layout.Pooling.ModeCount;

    /// <summary>Loads a sentence-transformers (or plain BERT) directory onto <paramref name="device"/>.</summary>
    public static SentenceEncoder Load(string directory, Device? device = null)
    {
        if (!Directory.Exists(directory)) throw new EmbedSweepsException($"{directory}: no such model directory.");
        var config = BertConfig.Load(Path.Combine(directory, "config.json"));
        var tokenizer = BertTokenizer.Load(directory);
        if (tokenizer.Vocabulary.Count > config.VocabSize)
            throw new EmbedSweepsException(
                $"{Path.Combine(directory, "vocab.txt")}: has {tokenizer.Vocabulary.Count} tokens but the embedding matrix has {config.VocabSize} rows (config.json vocab_size); the vocabulary does not belong to these weights.");

        var layout = SentenceTransformerLayout.Read(directory, config.HiddenSize);
        var weights = Safetensors.LoadDirectory(directory);
        try
        {
            var (state, unexpected, hasPooler, dtype) = WeightNames.Normalise(weights);
            var model = new BertModel(config, hasPooler);
            WeightNames.Assign(model, state, directory);
            model.eval();
            var maxLength = Math.Min(layout.MaxSeqLength ?? config.MaxPositionEmbeddings, config.MaxPositionEmbeddings);
            var encoder = new SentenceEncoder(model, tokenizer, layout, maxLength, dtype, directory, unexpected);
            if (device is not null) encoder.To(device);
            return encoder;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    public SentenceEncoder To(Device device)
    {
        Model.to(device);
        Device = device;
        return this;
    }

    /// <summary>
    /// Embeddings of <paramref name="texts"/> as a row-major [texts.Count, Dimension] array, rows in input
    /// order. Texts are sorted by length into batches so padding is small.
    /// </summary>
    public float[] Encode(IReadOnlyList<string> texts, int batchSize = 32, IProgress<int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var dimension = Dimension;
        var result = new float[(long)texts.Count * dimension];
        var ids = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++) ids[i] = Tokenizer.Encode(texts[i], MaxSeqLength);
        var order = Enumerable.Range(0, texts.Count).OrderByDescending(i => ids[i].Length).ToArray();

        var wasTraining = Model.training;
        Model.eval();
        try
        {
            using var _ = no_grad();
            for (var start = 0; start < order.Length; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
                var (inputIds, mask) = Batching.Pad(batch.Select(i => ids[i]).ToList(), Tokenizer.PadId, Device);
                using var embeddings = Forward(inputIds, mask).to_type(ScalarType.Float32).cpu().contiguous();
                var values = embeddings.data<float>();
                for (var row = 0; row < batch.Length; row++)
                    for (var column = 0; column < dimension; column++)
                        result[(long)batch[row] * dimension + column] = values[row * dimension + column];
                progress?.Report(batch.Length);
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
        return result;
    }

    /// <summary>Sentence embeddings [batch, Dimension] of padded ids; differentiable when grad is on.</summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask) => Forward(Model, inputIds, attentionMask);

    /// <summary>This pipeline's pooling and normalisation on top of <paramref name="model"/> (e.g. a bf16 compute copy of <see cref="Model"/>).</summary>
    public Tensor Forward(BertModel model, Tensor inputIds, Tensor attentionMask)
    {
        using var tokens = model.forward(inputIds, attentionMask);
        var pooled = Pooler.Pool(Layout.Pooling, tokens, attentionMask);
        if (!Layout.Normalize) return pooled;
        using (pooled) return nn.functional.normalize(pooled, p: 2, dim: 1, eps: 1e-12);
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
            var source = Path.Combine(sourceDirectory, file);
            var target = Path.Combine(directory, file);
            if (!File.Exists(source) || Path.GetFullPath(source) == Path.GetFullPath(target)) continue;
            File.Copy(source, target, overwrite: true);
            // A read-only mirror's permissions must not follow the copy: the saved model is the user's to change.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserWrite);
        }
        Layout.Write(directory, MaxSeqLength);
    }

    public void Dispose() => Model.Dispose();
}
