using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>
/// <c>max_trials</c> independent draws. Trial i uses its own generator seeded by (seed, i), so raising
/// max_trials adds trials without changing the earlier ones. Duplicate configurations are redrawn
/// (a small categorical space simply yields fewer trials).
/// </summary>
public static class RandomSearch
{
    private const int Attempts = 32;

    public static List<TrialConfig> Expand(SweepDefinition sweep)
    {
        var trials = new List<TrialConfig>();
        var seen = new HashSet<string>();
        for (var index = 0; index < sweep.Limits.MaxTrials; index++)
        {
            var random = new Random(unchecked(sweep.Seed * 1_000_003 + index));
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var trial = new TrialConfig(Draw(sweep.Parameters, random), sweep);
                if (!seen.Add(trial.Id)) continue;
                trials.Add(trial);
                break;
            }
        }
        return trials;
    }

    /// <summary>One configuration: the unconditional parameters first, then each conditional one whose <c>when</c> holds.</summary>
    public static Dictionary<string, object> Draw(IReadOnlyList<ParameterSpace> spaces, Random random)
    {
        var values = new Dictionary<string, object>();
        foreach (var space in spaces.Where(p => p.When is null).Concat(spaces.Where(p => p.When is not null)))
            if (space.When is null || space.When.Holds(values))
                values[space.Name] = Draw(space, random);
        return values;
    }

    private static object Draw(ParameterSpace space, Random random) => space switch
    {
        FixedParameter f => f.Value,
        CategoricalParameter c => c.Values[random.Next(c.Values.Count)],
        DistributionParameter d => d.Sample(random),
        _ => throw new InvalidOperationException($"unknown parameter space {space.GetType().Name}"),
    };
}
