namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// sentence-transformers' similarity functions on two embeddings, oriented so that greater means more
/// similar (its <c>pairwise_*</c> functions): cosine, dot, and the negated manhattan and euclidean distances.
/// </summary>
public static class Similarity
{
    public static readonly string[] Names = ["cosine", "manhattan", "euclidean", "dot"];

    public static double Pairwise(string function, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, normA = 0, normB = 0, l1 = 0, l2 = 0;
        for (var d = 0; d < a.Length; d++)
        {
            double x = a[d], y = b[d], diff = x - y;
            dot += x * y;
            normA += x * x;
            normB += y * y;
            l1 += Math.Abs(diff);
            l2 += diff * diff;
        }
        return function switch
        {
            "cosine" => dot / Math.Max(Math.Sqrt(normA) * Math.Sqrt(normB), 1e-8),
            "dot" => dot,
            "manhattan" => -l1,
            "euclidean" => -Math.Sqrt(l2),
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "unknown similarity function"),
        };
    }
}
