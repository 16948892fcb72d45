namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Percentile bootstrap over the evaluated items (pairs, queries, test texts): resample the items with
/// replacement, recompute every metric on the resample, and take the 2.5th and 97.5th percentiles
/// (Efron &amp; Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13). Seeded, so the same
/// evaluation always gives the same interval.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 1000;
    public const int DefaultSeed = 42;

    /// <summary>95% intervals of each metric <paramref name="metrics"/> computes from a list of item indices (repeats allowed).</summary>
    public static IReadOnlyDictionary<string, (double Low, double High)> Intervals(
        int itemCount, Func<IReadOnlyList<int>, IReadOnlyDictionary<string, double>> metrics,
        int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        if (itemCount < 2) return new Dictionary<string, (double, double)>();
        var random = new Random(seed);
        var samples = new Dictionary<string, double[]>();
        var indices = new int[itemCount];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < itemCount; i++) indices[i] = random.Next(itemCount);
            foreach (var (name, value) in metrics(indices))
            {
                if (!samples.TryGetValue(name, out var values)) samples[name] = values = new double[resamples];
                values[r] = value;
            }
        }
        return samples.ToDictionary(p => p.Key, p => (Percentile(p.Value, 2.5), Percentile(p.Value, 97.5)));
    }

    /// <summary>numpy's default (linear) percentile; NaNs sort last and are ignored.</summary>
    public static double Percentile(double[] values, double percent)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var position = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    /// <summary>
    /// Paired bootstrap of <paramref name="metric"/>'s difference between two models evaluated on the same items
    /// (<paramref name="model"/> − <paramref name="reference"/>): each resample draws one set of item indices and
    /// scores both models on it, so item difficulty cancels. The gain is real at 95% when the interval excludes 0.
    /// </summary>
    public static (double Difference, double Low, double High) PairedDifference(
        ItemMetrics model, ItemMetrics reference, string metric, int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        if (model.Count != reference.Count)
            throw new ArgumentException($"the two evaluations saw {model.Count} and {reference.Count} items; a paired bootstrap needs the same items");
        var all = Enumerable.Range(0, model.Count).ToArray();
        var difference = model.Compute(all)[metric] - reference.Compute(all)[metric];
        var random = new Random(seed);
        var differences = new double[resamples];
        var indices = new int[model.Count];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < indices.Length; i++) indices[i] = random.Next(indices.Length);
            differences[r] = model.Compute(indices)[metric] - reference.Compute(indices)[metric];
        }
        return (difference, Percentile(differences, 2.5), Percentile(differences, 97.5));
    }
}
