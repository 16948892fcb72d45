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

    public static Dictionary<string, object> Draw(IReadOnlyList<ParameterSpace> spaces, Random random) =>
        spaces.ToDictionary(p => p.Name, p => p switch
        {
            FixedParameter f => f.Value,
            CategoricalParameter c => c.Values[random.Next(c.Values.Count)],
            DistributionParameter d => d.Sample(random),
            _ => throw new InvalidOperationException($"unknown parameter space {p.GetType().Name}"),
        });
}
