using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>
/// How many distinct configurations a sweep's parameters hold: finite when every parameter is a value, a list or
/// an int_uniform range; infinite with a real-valued distribution. A search stops when it has tried them all,
/// however large max_trials is (a bayes sweep over three configurations with max_trials: 8 ends after three).
/// </summary>
public static class SearchSpace
{
    /// <summary>Spaces up to this size are enumerated to find the configurations not yet tried.</summary>
    public const int EnumerableLimit = 100_000;

    /// <summary>The number of configurations, or null when a real-valued distribution makes it infinite.</summary>
    public static long? Size(IReadOnlyList<ParameterSpace> parameters)
    {
        long size = 1;
        foreach (var parameter in parameters)
        {
            long? count = parameter switch
            {
                FixedParameter => 1,
                CategoricalParameter c => c.Values.Count,
                DistributionParameter { Kind: DistributionKind.IntUniform } d => (long)Math.Floor(d.Max) - (long)Math.Ceiling(d.Min) + 1,
                _ => null,
            };
            if (count is null) return null;
            size = size > long.MaxValue / Math.Max(count.Value, 1) ? long.MaxValue : size * count.Value;
        }
        return size;
    }

    /// <summary>The most trials a search can make: max_trials, or fewer when the space holds fewer configurations.</summary>
    public static int Budget(SweepDefinition sweep) =>
        Size(sweep.Parameters) is { } size && size < sweep.Limits.MaxTrials ? (int)size : sweep.Limits.MaxTrials;

    /// <summary>Every configuration of a finite space of at most <see cref="EnumerableLimit"/>, in grid order; null otherwise.</summary>
    public static List<Dictionary<string, object>>? Enumerate(IReadOnlyList<ParameterSpace> parameters)
    {
        if (Size(parameters) is not { } size || size > EnumerableLimit) return null;
        var choices = parameters.Select(p => p switch
        {
            FixedParameter f => (IReadOnlyList<object>)[f.Value],
            CategoricalParameter c => c.Values,
            DistributionParameter d => Enumerable.Range(0, (int)((long)Math.Floor(d.Max) - (long)Math.Ceiling(d.Min) + 1)).Select(i => (object)((long)Math.Ceiling(d.Min) + i)).ToList(),
            _ => throw new InvalidOperationException($"unknown parameter space {p.GetType().Name}"),
        }).ToList();
        var all = new List<Dictionary<string, object>>();
        var indices = new int[parameters.Count];
        while (true)
        {
            all.Add(parameters.Select((p, i) => (p.Name, Value: choices[i][indices[i]])).ToDictionary(x => x.Name, x => x.Value));
            var position = parameters.Count - 1;
            while (position >= 0 && ++indices[position] == choices[position].Count) indices[position--] = 0;
            if (position < 0) return all;
        }
    }
}
