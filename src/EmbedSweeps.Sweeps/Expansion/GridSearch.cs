using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>The Cartesian product of every parameter's values, in declaration order (the last parameter varies fastest).</summary>
public static class GridSearch
{
    public static List<TrialConfig> Expand(SweepDefinition sweep)
    {
        var trials = new List<TrialConfig>();
        var spaces = sweep.Parameters;
        var choices = spaces.Select(p => p switch
        {
            FixedParameter f => (IReadOnlyList<object>)[f.Value],
            CategoricalParameter c => c.Values,
            _ => throw new InvalidOperationException($"{p.Name}: a grid cannot expand a distribution."),
        }).ToList();
        var indices = new int[spaces.Count];
        while (true)
        {
            var values = new Dictionary<string, object>();
            for (var i = 0; i < spaces.Count; i++) values[spaces[i].Name] = choices[i][indices[i]];
            trials.Add(new TrialConfig(values, sweep));
            var position = spaces.Count - 1;
            while (position >= 0 && ++indices[position] == choices[position].Count) indices[position--] = 0;
            if (position < 0) return trials;
        }
    }
}
