namespace EmbedSweeps.Embeddings.Pooling;

/// <summary>One way of turning token embeddings into a sentence vector (sentence-transformers' <c>Pooling.POOLING_MODES</c>).</summary>
public enum PoolingMode
{
    Cls,
    Max,
    Mean,
    MeanSqrtLen,
    WeightedMean,
    LastToken,
}

/// <summary>The names sentence-transformers uses for <see cref="PoolingMode"/> in both config forms.</summary>
public static class PoolingModeNames
{
    /// <summary>
    /// The classic config's flags, in the order sentence-transformers' <c>Pooling.forward</c> concatenates
    /// them (cls, max, mean, mean_sqrt_len, weightedmean, lasttoken).
    /// </summary>
    public static readonly IReadOnlyList<(PoolingMode Mode, string Flag)> Flags =
    [
        (PoolingMode.Cls, "pooling_mode_cls_token"),
        (PoolingMode.Max, "pooling_mode_max_tokens"),
        (PoolingMode.Mean, "pooling_mode_mean_tokens"),
        (PoolingMode.MeanSqrtLen, "pooling_mode_mean_sqrt_len_tokens"),
        (PoolingMode.WeightedMean, "pooling_mode_weightedmean_tokens"),
        (PoolingMode.LastToken, "pooling_mode_lasttoken"),
    ];

    /// <summary>The compact config's <c>pooling_mode</c> names (lower-cased on read, as the library does).</summary>
    public static string Name(PoolingMode mode) => mode switch
    {
        PoolingMode.Cls => "cls",
        PoolingMode.Max => "max",
        PoolingMode.Mean => "mean",
        PoolingMode.MeanSqrtLen => "mean_sqrt_len_tokens",
        PoolingMode.WeightedMean => "weightedmean",
        PoolingMode.LastToken => "lasttoken",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static PoolingMode? Parse(string name) =>
        Enum.GetValues<PoolingMode>().Cast<PoolingMode?>().FirstOrDefault(m => Name(m!.Value) == name.ToLowerInvariant());

    public static string All => string.Join(", ", Enum.GetValues<PoolingMode>().Select(Name));
}
