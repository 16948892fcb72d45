using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>
/// A finished trial's configuration and objective value. <see cref="StoppedAtStep"/> is set for a trial that early
/// termination stopped: <see cref="Value"/> is then its last intermediate value, at that step, not a final one.
/// </summary>
public sealed record Observation(TrialConfig Trial, double Value, int? StoppedAtStep = null);

/// <summary>
/// Bayesian search by a Tree-structured Parzen Estimator (Bergstra et al., 2011), as in Optuna's TPESampler
/// (independent sampling): split the finished trials into the best few and the rest, model each parameter's density
/// in both groups (Parzen windows for numbers, smoothed counts for categories) and pick, among candidates drawn from
/// the good density, the one that maximises l(x)/g(x).
/// <list type="bullet">
/// <item>The split follows Optuna's <c>_split_trials</c>: completed trials ranked by value fill the good group first;
/// trials stopped early come after every completed one, ranked by the step they reached (further is better) and then
/// by their last intermediate value — never as if that value were final. A trial whose value is NaN is left out, as
/// Optuna leaves out failed trials.</item>
/// <item>γ, the size of the good group, is Optuna's <c>default_gamma</c>: min(⌈0.1·n⌉, 25) of n finished trials.</item>
/// <item>Running trials join the bad group (Optuna's <c>constant_liar</c>), so parallel suggestions spread out.</item>
/// <item>No suggestion repeats a configuration that is finished, running or already suggested; when a finite space
/// has none left, <see cref="Suggest"/> returns null and the search is over.</item>
/// </list>
/// </summary>
public sealed class TreeParzenEstimator(SweepDefinition sweep, int startupTrials = 10, int candidates = 24)
{
    /// <summary>Optuna's <c>default_gamma</c>: how many of <paramref name="finished"/> trials form the good group.</summary>
    public static int GoodCount(int finished) => Math.Min((int)Math.Ceiling(0.1 * finished), 25);

    /// <summary>
    /// The configuration for the <paramref name="index"/>-th trial of the sweep (deterministic given the inputs), or
    /// null when every configuration of a finite space is finished, running, suggested or otherwise tried.
    /// </summary>
    /// <param name="tried">Ids of other trials that exist without a value to learn from (failed, cancelled): never suggested again.</param>
    public TrialConfig? Suggest(int index, IReadOnlyList<Observation> finished, IReadOnlyList<TrialConfig> running, IEnumerable<string>? tried = null)
    {
        var random = new Random(unchecked(sweep.Seed * 1_000_003 + index));
        var taken = finished.Select(o => o.Trial.Id).Concat(running.Select(r => r.Id)).Concat(tried ?? []).ToHashSet();
        var scoredTrials = finished.Where(o => o.StoppedAtStep is not null || !double.IsNaN(o.Value)).ToList();
        if (scoredTrials.Count < Math.Max(1, startupTrials)) return Fresh(random, taken);

        var (good, bad) = Split(scoredTrials, sweep.Objective.Goal);
        bad.AddRange(running);

        var scored = new List<(double Score, Dictionary<string, object> Values)>();
        for (var c = 0; c < candidates; c++)
        {
            var values = new Dictionary<string, object>();
            var score = 0.0;
            // Unconditional parameters first; a conditional one is drawn only where its when holds, from the trials that have it.
            foreach (var space in sweep.Parameters.Where(p => p.When is null).Concat(sweep.Parameters.Where(p => p.When is not null)))
            {
                if (space.When is { } condition && !condition.Holds(values)) continue;
                var withIt = good.Where(t => t.Parameters.ContainsKey(space.Name)).ToList();
                var (value, goodDensity) = SampleFromGood(space, withIt, random);
                values[space.Name] = value;
                score += Math.Log(goodDensity) - Math.Log(Density(space, bad.Where(t => t.Parameters.ContainsKey(space.Name)).ToList(), value));
            }
            scored.Add((score, values));
        }
        foreach (var (_, values) in scored.OrderByDescending(s => s.Score))
        {
            var trial = new TrialConfig(values, sweep);
            if (!taken.Contains(trial.Id)) return trial;
        }
        return Fresh(random, taken);
    }

    /// <summary>
    /// Optuna's split: the best <see cref="GoodCount"/> by rank, where every completed trial (by value) ranks above every
    /// stopped one, and stopped ones rank by (step reached, descending; then value, NaN last). Ties break by trial id.
    /// </summary>
    public static (List<TrialConfig> Good, List<TrialConfig> Bad) Split(IReadOnlyList<Observation> finished, Goal goal)
    {
        double Loss(double value) => double.IsNaN(value) ? double.PositiveInfinity : goal == Goal.Maximize ? -value : value;
        var ranked = finished
            .OrderBy(o => o.StoppedAtStep is null ? 0 : 1)
            .ThenBy(o => -(o.StoppedAtStep ?? 0))
            .ThenBy(o => Loss(o.Value))
            .ThenBy(o => o.Trial.Id, StringComparer.Ordinal)
            .ToList();
        var goodCount = GoodCount(finished.Count);
        return (ranked.Take(goodCount).Select(o => o.Trial).ToList(), ranked.Skip(goodCount).Select(o => o.Trial).ToList());
    }

    // A random configuration not yet taken: drawn from the untaken ones of a finite space (null when none is left),
    // else by redrawing (a collision in a continuous space is all but impossible).
    private TrialConfig? Fresh(Random random, HashSet<string> taken)
    {
        if (SearchSpace.Enumerate(sweep.Parameters) is { } all)
        {
            var untaken = all.Select(values => new TrialConfig(values, sweep)).Where(t => !taken.Contains(t.Id)).ToList();
            return untaken.Count == 0 ? null : untaken[random.Next(untaken.Count)];
        }
        TrialConfig trial = new(RandomSearch.Draw(sweep.Parameters, random), sweep);
        for (var attempt = 0; attempt < 64 && taken.Contains(trial.Id); attempt++) trial = new TrialConfig(RandomSearch.Draw(sweep.Parameters, random), sweep);
        return taken.Contains(trial.Id) ? null : trial;
    }

    private static (object Value, double Density) SampleFromGood(ParameterSpace space, List<TrialConfig> good, Random random)
    {
        switch (space)
        {
            case FixedParameter f:
                return (f.Value, 1.0);
            case CategoricalParameter c:
            {
                var weights = c.Values.Select(v => 1.0 + good.Count(t => Equals(t.Parameters[c.Name], v))).ToArray();
                var pick = random.NextDouble() * weights.Sum();
                var index = 0;
                while (index < weights.Length - 1 && (pick -= weights[index]) > 0) index++;
                return (c.Values[index], weights[index] / weights.Sum());
            }
            case DistributionParameter d:
            {
                var points = good.Select(t => ToUnit(d, t.Parameters[d.Name])).ToList();
                var bandwidth = Bandwidth(points.Count);
                // Mixture: one kernel per good point plus a uniform prior component.
                var component = random.Next(points.Count + 1);
                double unit;
                if (component == points.Count) unit = random.NextDouble();
                else
                {
                    do unit = points[component] + bandwidth * Gaussian(random);
                    while (unit is < 0 or > 1);
                }
                var value = FromUnit(d, unit);
                return (value, Density(d, points, ToUnit(d, value)));
            }
            default:
                throw new InvalidOperationException($"unknown parameter space {space.GetType().Name}");
        }
    }

    private static double Density(ParameterSpace space, List<TrialConfig> group, object value) => space switch
    {
        FixedParameter => 1.0,
        CategoricalParameter c => (1.0 + group.Count(t => Equals(t.Parameters[c.Name], value))) / (c.Values.Count + group.Count),
        DistributionParameter d => Density(d, group.Select(t => ToUnit(d, t.Parameters[d.Name])).ToList(), ToUnit(d, value)),
        _ => 1.0,
    };

    private static double Density(DistributionParameter d, List<double> points, double unit)
    {
        var bandwidth = Bandwidth(points.Count);
        var sum = 1.0; // the uniform prior on [0, 1]
        foreach (var point in points)
        {
            var z = (unit - point) / bandwidth;
            sum += Math.Exp(-0.5 * z * z) / (bandwidth * Math.Sqrt(2 * Math.PI));
        }
        return sum / (points.Count + 1);
    }

    // Scott's rule on the unit interval, kept between 1% and the whole range.
    private static double Bandwidth(int count) => Math.Clamp(Math.Pow(Math.Max(count, 1), -0.2) * 0.5, 0.01, 1.0);

    private static double ToUnit(DistributionParameter d, object value)
    {
        var x = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        return d.Kind == DistributionKind.LogUniform
            ? (Math.Log(x) - Math.Log(d.Min)) / (Math.Log(d.Max) - Math.Log(d.Min))
            : (x - d.Min) / (d.Max - d.Min);
    }

    private static object FromUnit(DistributionParameter d, double unit) => d.Kind switch
    {
        DistributionKind.LogUniform => (object)Math.Exp(Math.Log(d.Min) + unit * (Math.Log(d.Max) - Math.Log(d.Min))),
        DistributionKind.Uniform => (object)(d.Min + unit * (d.Max - d.Min)),
        _ => (object)(long)Math.Clamp(Math.Round(d.Min + unit * (d.Max - d.Min)), d.Min, d.Max),
    };

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
