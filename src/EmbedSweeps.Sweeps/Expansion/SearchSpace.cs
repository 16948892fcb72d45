using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>
/// The configurations a sweep's parameters hold: finite when every parameter is a value, a list or an int_uniform
/// range, infinite with a real-valued distribution. A conditional parameter (<c>when</c>) multiplies only the
/// configurations its condition holds for. A search stops when it has tried them all, however large max_trials is
/// (a bayes sweep over three configurations with max_trials: 8 ends after three).
/// </summary>
public static class SearchSpace
{
    /// <summary>Spaces up to this size are enumerated to find the configurations not yet tried.</summary>
    public const int EnumerableLimit = 100_000;

    /// <summary>The number of configurations, or null when a real-valued distribution makes it infinite.</summary>
    public static long? Size(IReadOnlyList<ParameterSpace> parameters)
    {
        var conditional = parameters.Where(p => p.When is not null).ToList();
        var referenced = conditional.SelectMany(p => p.When!.Allowed.Keys).ToHashSet();
        long size = 1;
        foreach (var parameter in parameters.Where(p => p.When is null && !referenced.Contains(p.Name)))
        {
            if (Count(parameter) is not { } count) return null;
            size = Multiply(size, count);
        }
        if (conditional.Count == 0) return size;
        // The conditions depend only on the parameters they name: sum over those parameters' combinations.
        long sum = 0;
        foreach (var combination in Cartesian(parameters.Where(p => referenced.Contains(p.Name)).ToList()))
        {
            long product = 1;
            foreach (var parameter in conditional.Where(p => p.When!.Holds(combination)))
            {
                if (Count(parameter) is not { } count) return null;
                product = Multiply(product, count);
            }
            sum = sum > long.MaxValue - product ? long.MaxValue : sum + product;
        }
        return Multiply(size, sum);
    }

    /// <summary>The most trials a search can make: max_trials, or fewer when the space holds fewer configurations.</summary>
    public static int Budget(SweepDefinition sweep) =>
        Size(sweep.Parameters) is { } size && size < sweep.Limits.MaxTrials ? (int)size : sweep.Limits.MaxTrials;

    /// <summary>Every configuration of a finite space of at most <see cref="EnumerableLimit"/>, in grid order; null otherwise.</summary>
    public static List<Dictionary<string, object>>? Enumerate(IReadOnlyList<ParameterSpace> parameters) =>
        Size(parameters) is { } size && size <= EnumerableLimit ? All(parameters).ToList() : null;

    /// <summary>
    /// Every configuration of a finite space, in grid order: the unconditional parameters' Cartesian product in declaration
    /// order (the last varies fastest), and within each, the product of the conditional parameters whose condition holds.
    /// </summary>
    public static IEnumerable<Dictionary<string, object>> All(IReadOnlyList<ParameterSpace> parameters)
    {
        var conditional = parameters.Where(p => p.When is not null).ToList();
        foreach (var outer in Cartesian(parameters.Where(p => p.When is null).ToList()))
            foreach (var inner in Cartesian(conditional.Where(p => p.When!.Holds(outer)).ToList()))
                yield return outer.Concat(inner).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    /// <summary>The values a parameter takes in a grid (a whole-number range counts each number).</summary>
    private static IReadOnlyList<object> Values(ParameterSpace parameter) => parameter switch
    {
        FixedParameter f => [f.Value],
        CategoricalParameter c => c.Values,
        DistributionParameter { Kind: DistributionKind.IntUniform } d =>
            Enumerable.Range(0, (int)Math.Min(Count(d)!.Value, int.MaxValue)).Select(i => (object)((long)Math.Ceiling(d.Min) + i)).ToList(),
        _ => throw new InvalidOperationException($"{parameter.Name}: a real-valued distribution has no list of values."),
    };

    private static long? Count(ParameterSpace parameter) => parameter switch
    {
        FixedParameter => 1,
        CategoricalParameter c => c.Values.Count,
        DistributionParameter { Kind: DistributionKind.IntUniform } d => (long)Math.Floor(d.Max) - (long)Math.Ceiling(d.Min) + 1,
        _ => null,
    };

    private static IEnumerable<Dictionary<string, object>> Cartesian(List<ParameterSpace> parameters)
    {
        var choices = parameters.Select(Values).ToList();
        var indices = new int[parameters.Count];
        while (true)
        {
            yield return parameters.Select((p, i) => (p.Name, Value: choices[i][indices[i]])).ToDictionary(x => x.Name, x => x.Value);
            var position = parameters.Count - 1;
            while (position >= 0 && ++indices[position] == choices[position].Count) indices[position--] = 0;
            if (position < 0) yield break;
        }
    }

    private static long Multiply(long a, long b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;
}
