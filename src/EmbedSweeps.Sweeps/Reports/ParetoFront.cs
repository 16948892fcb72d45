namespace EmbedSweeps.Sweeps.Reports;

/// <summary>
/// The Pareto front of finished trials over several metrics, all higher-is-better (every metric the evaluations emit is:
/// correlations, accuracies, nDCG, MAP): a trial is on the front when no other trial is at least as good on every metric
/// and better on one. Trials missing a metric (or with NaN) take no part. "Best quality at 128 dims vs at 384" is the
/// front of <c>[…_dim128_…, …_dim384_…]</c>.
/// </summary>
public static class ParetoFront
{
    /// <summary>The ids of the trials on the front of <paramref name="metrics"/>.</summary>
    public static IReadOnlySet<string> Of(IEnumerable<(string Id, IReadOnlyDictionary<string, double> Metrics)> trials, IReadOnlyList<string> metrics)
    {
        var points = trials
            .Select(t => (t.Id, Values: metrics.Select(m => t.Metrics.TryGetValue(m, out var v) ? v : double.NaN).ToArray()))
            .Where(p => p.Values.All(double.IsFinite)).ToList();
        return points.Where(p => !points.Any(q => Dominates(q.Values, p.Values))).Select(p => p.Id).ToHashSet();
    }

    private static bool Dominates(double[] a, double[] b)
    {
        var better = false;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] < b[i]) return false;
            if (a[i] > b[i]) better = true;
        }
        return better;
    }
}
