using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Losses;

/// <summary>Builds a loss from its CLI / sweep name.</summary>
public static class LossFactory
{
    public static readonly string[] Names = ["softmax", "cosine", "mnrl", "cosent", "cached_mnrl", "matryoshka_cosine", "matryoshka_cosent", "matryoshka_mnrl"];

    public sealed record Options(int Dimension, int NumLabels = 3, double Scale = 20.0, int MiniBatchSize = 32, IReadOnlyList<int>? MatryoshkaDims = null, Device? Device = null);

    public static EmbeddingLoss Create(string name, Options options)
    {
        var lowered = name.Trim().ToLowerInvariant();
        if (lowered.StartsWith("matryoshka_", StringComparison.Ordinal))
        {
            var dims = options.MatryoshkaDims ?? DefaultDimensions(options.Dimension);
            return new MatryoshkaLoss(Create(lowered["matryoshka_".Length..], options), dims);
        }
        return lowered switch
        {
            "softmax" => new SoftmaxLoss(options.Dimension, options.NumLabels, options.Device),
            "cosine" => new CosineSimilarityLoss(),
            "mnrl" => new MultipleNegativesRankingLoss(options.Scale),
            "cosent" => new CoSENTLoss(options.Scale),
            "cached_mnrl" => new CachedMultipleNegativesRankingLoss(options.Scale, options.MiniBatchSize),
            _ => throw new EmbedSweepsException($"{SettingNames.Of("loss")} {name}: unknown loss (valid: {string.Join(", ", Names)})."),
        };
    }

    // sentence-transformers docs use 768/512/256/128/64; for 384-wide models that becomes 384/256/128/64.
    private static int[] DefaultDimensions(int full) => new[] { full, 256, 128, 64 }.Where(d => d <= full).Distinct().ToArray();
}
