using EmbedSweeps.Embeddings.Data;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// sentence-transformers' <c>InformationRetrievalEvaluator</c> on a BEIR folder: every query (with the model's query
/// prompt, as MTEB picks it) against the whole corpus (each document encoded once, with the document prompt if the
/// model has one), ranked by cosine and, when it is another, by the model's own similarity function. Exact top-k: scores come from matrix
/// products of query and corpus chunks (memory bounded by the chunk sizes, never queries × corpus) and each query
/// keeps its best <c>max k</c> documents, ties broken by corpus order. The library's metrics, named as MTEB names
/// them (<c>_at_k</c>: metric names stay plain identifiers for storage and YAML): <c>{fn}_accuracy_at_k</c>,
/// <c>{fn}_precision_at_k</c>, <c>{fn}_recall_at_k</c> (k = 1, 3, 5, 10), <c>{fn}_mrr_at_10</c>, <c>{fn}_ndcg_at_10</c>
/// (primary; the library's <c>cosine_ndcg@10</c>), <c>{fn}_map_at_100</c>. Items: the queries that have a relevant document.
/// </summary>
public sealed class InformationRetrievalEvaluator(
    string name, BeirDataset data, int batchSize = 32, int corpusChunkSize = 50_000, int queryChunkSize = 256) : ISentenceEvaluator
{
    private static readonly int[] AccuracyAt = [1, 3, 5, 10];
    private static readonly int[] PrecisionRecallAt = [1, 3, 5, 10];
    private const int MrrAt = 10, NdcgAt = 10, MapAt = 100;

    public string Name { get; } = name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        var modelFunction = encoder.Settings.SimilarityFunction;
        var queries = Enumerable.Range(0, data.QueryIds.Count).Where(q => data.Relevant.ContainsKey(data.QueryIds[q])).ToList();
        var queryPrompt = encoder.Settings.PromptForTask(Name, "Retrieval", "query");
        var documentPrompt = encoder.Settings.PromptForTask(Name, "Retrieval", "document");
        var queryEmbeddings = encoder.Encode(queries.Select(q => data.QueryTexts[q]).ToList(), batchSize, prompt: queryPrompt);
        var corpus = encoder.Encode(data.CorpusTexts, batchSize, prompt: documentPrompt); // each document once, whatever the number of queries
        var dimension = encoder.Dimension;

        var corpusIndex = data.CorpusIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index, StringComparer.Ordinal);
        var relevant = queries.Select(q => data.Relevant[data.QueryIds[q]].Select(id => corpusIndex[id]).ToHashSet()).ToList();
        // Cosine always (so a sweep's objective on it exists whatever the model), and the model's own function.
        var perQuery = new Dictionary<string, double[]>();
        foreach (var fn in new[] { "cosine", modelFunction }.Distinct())
            foreach (var (metric, values) in PerQueryMetrics(queryEmbeddings, corpus, dimension, fn, relevant, corpusChunkSize, queryChunkSize))
                perQuery[metric] = values;

        IReadOnlyDictionary<string, double> Compute(IReadOnlyList<int> items) =>
            perQuery.ToDictionary(p => p.Key, p => items.Average(i => p.Value[i]));

        return new EvaluationResult(Name, Compute(Enumerable.Range(0, queries.Count).ToArray()), $"{modelFunction}_ndcg_at_{NdcgAt}",
            GreaterIsBetter: true, new ItemMetrics(queries.Count, Compute));
    }

    /// <summary>
    /// The library's metrics for each query (row-major [queries, dimension] and [documents, dimension] embeddings;
    /// <paramref name="relevant"/>: each query's relevant document indices), keyed <c>{fn}_ndcg_at_10</c> and so on.
    /// </summary>
    public static Dictionary<string, double[]> PerQueryMetrics(float[] queryEmbeddings, float[] corpus, int dimension, string fn,
        IReadOnlyList<HashSet<int>> relevant, int corpusChunkSize = 50_000, int queryChunkSize = 256)
    {
        var queryCount = relevant.Count;
        var documentCount = corpus.Length / dimension;
        var maxK = new[] { AccuracyAt.Max(), PrecisionRecallAt.Max(), MrrAt, NdcgAt, MapAt }.Max();
        var ranked = TopK(queryEmbeddings, queryCount, corpus, documentCount, dimension, fn, Math.Min(maxK, documentCount), corpusChunkSize, queryChunkSize);

        var perQuery = new Dictionary<string, double[]>();
        void Set(string metric, int q, double value)
        {
            if (!perQuery.TryGetValue(metric, out var values)) perQuery[metric] = values = new double[queryCount];
            values[q] = value;
        }
        for (var q = 0; q < queryCount; q++)
        {
            var hits = ranked[q].Select(relevant[q].Contains).ToArray();
            var relevantCount = relevant[q].Count;
            foreach (var k in AccuracyAt) Set($"{fn}_accuracy_at_{k}", q, hits.Take(k).Any(h => h) ? 1 : 0);
            foreach (var k in PrecisionRecallAt)
            {
                var found = hits.Take(k).Count(h => h);
                Set($"{fn}_precision_at_{k}", q, found / (double)k);
                Set($"{fn}_recall_at_{k}", q, found / (double)relevantCount);
            }
            var first = Array.IndexOf(hits.Take(MrrAt).ToArray(), true);
            Set($"{fn}_mrr_at_{MrrAt}", q, first < 0 ? 0 : 1.0 / (first + 1));
            Set($"{fn}_ndcg_at_{NdcgAt}", q, Dcg(hits.Take(NdcgAt).Select(h => h ? 1.0 : 0.0)) / Dcg(Enumerable.Repeat(1.0, Math.Min(relevantCount, NdcgAt))));
            double sumPrecisions = 0;
            var correct = 0;
            for (var rank = 0; rank < Math.Min(MapAt, hits.Length); rank++)
                if (hits[rank]) sumPrecisions += ++correct / (double)(rank + 1);
            Set($"{fn}_map_at_{MapAt}", q, sumPrecisions / Math.Min(MapAt, relevantCount));
        }
        return perQuery;
    }

    private static double Dcg(IEnumerable<double> relevances) => relevances.Select((r, i) => r / Math.Log2(i + 2)).Sum();

    /// <summary>For each query, the indices (into the corpus) of its <paramref name="k"/> best documents, best first, ties by corpus order.</summary>
    private static List<int[]> TopK(float[] queries, int queryCount, float[] corpusEmbeddings, int documentCount, int dimension, string fn, int k,
        int corpusChunkSize, int queryChunkSize)
    {
        var heaps = Enumerable.Range(0, queryCount).Select(_ => new PriorityQueue<int, (float Score, int Index)>(k + 1, WorstFirst)).ToList();
        using var scope = NewDisposeScope();
        using var corpus = tensor(corpusEmbeddings).reshape(documentCount, dimension);
        using var corpusPrepared = Prepare(corpus, fn);
        for (var qStart = 0; qStart < queryCount; qStart += queryChunkSize)
        {
            var qCount = Math.Min(queryChunkSize, queryCount - qStart);
            using var queryChunk = tensor(queries.AsSpan(qStart * dimension, qCount * dimension).ToArray()).reshape(qCount, dimension);
            using var queryPrepared = Prepare(queryChunk, fn);
            for (var cStart = 0; cStart < documentCount; cStart += corpusChunkSize)
            {
                var cCount = Math.Min(corpusChunkSize, documentCount - cStart);
                using var documents = corpusPrepared.narrow(0, cStart, cCount);
                using var scores = Score(queryPrepared, documents, fn);
                // torch.topk picks the chunk's k best per query; every score tied with the k-th joins them, so the
                // merge below can break ties by corpus order exactly. Managed work is O(k) per query and chunk.
                var take = Math.Min(k, cCount);
                var (topValues, _) = scores.topk(take, dim: 1);
                using (topValues)
                {
                    using var kth = topValues.select(1, take - 1).unsqueeze(1);
                    using var keep = scores.ge(kth);
                    using var positions = keep.nonzero().contiguous();
                    var pairs = positions.data<long>().ToArray();
                    using var flatScores = scores.contiguous();
                    var values = flatScores.data<float>();
                    for (var p = 0; p < pairs.Length; p += 2)
                    {
                        var (q, c) = ((int)pairs[p], (int)pairs[p + 1]);
                        var heap = heaps[qStart + q];
                        var candidate = (values[q * cCount + c], cStart + c);
                        if (heap.Count < k) heap.Enqueue(cStart + c, candidate);
                        else if (heap.TryPeek(out _, out var worst) && WorstFirst.Compare(candidate, worst) > 0)
                            heap.EnqueueDequeue(cStart + c, candidate);
                    }
                }
            }
        }
        return heaps.Select(heap =>
        {
            var items = heap.UnorderedItems.Select(i => i.Priority).ToList();
            items.Sort((a, b) => WorstFirst.Compare(b, a));
            return items.Select(i => i.Index).ToArray();
        }).ToList();
    }

    // Orders candidates worst first: lower score, then later in the corpus.
    private static readonly Comparer<(float Score, int Index)> WorstFirst =
        Comparer<(float Score, int Index)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Index.CompareTo(a.Index));

    private static Tensor Prepare(Tensor embeddings, string fn) =>
        fn == "cosine" ? nn.functional.normalize(embeddings, p: 2, dim: 1, eps: 1e-12) : embeddings.alias();

    private static Tensor Score(Tensor queries, Tensor documents, string fn) => fn switch
    {
        "cosine" or "dot" => queries.matmul(documents.t()),
        "euclidean" => cdist(queries, documents, 2).neg(),
        "manhattan" => cdist(queries, documents, 1).neg(),
        _ => throw new ArgumentOutOfRangeException(nameof(fn), fn, "unknown similarity function"),
    };
}
