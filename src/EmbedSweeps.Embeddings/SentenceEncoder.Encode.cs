using System.Runtime.InteropServices;
using EmbedSweeps.Embeddings.Models.Bert;
using EmbedSweeps.Embeddings.Pooling;
using TorchSharp;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings;

// Encoding: texts → token ids → batches sorted by length → BERT, pooling and head → float32 rows in input order.
public sealed partial class SentenceEncoder
{
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

        var batches = new List<int[]>();
        for (var start = 0; start < order.Length; start += batchSize)
            batches.Add(order[start..Math.Min(start + batchSize, order.Length)]);
        var reported = new Lock();

        var wasTraining = Model.training;
        SetTraining(false);
        try
        {
            ParallelBatches.Run(batches.Count, Device, b =>
            {
                using var scope = NewDisposeScope();
                var batch = batches[b];
                var (inputIds, mask) = Batching.Pad(batch.Select(i => ids[i]).ToList(), Tokenizer.PadId, Device);
                using var embeddings = Forward(Model, inputIds, mask, promptLength).to_type(ScalarType.Float32).cpu().contiguous();
                var values = MemoryMarshal.Cast<byte, float>(embeddings.bytes); // a contiguous CPU tensor's memory
                for (var row = 0; row < batch.Length; row++) // each worker writes only its own texts' rows
                    values.Slice(row * dimension, dimension).CopyTo(result.AsSpan((int)((long)batch[row] * dimension), dimension));
                if (progress is not null)
                    lock (reported) progress.Report(batch.Length);
            });
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
}
