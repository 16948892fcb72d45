using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>
/// The Cartesian product of every parameter's values, in declaration order (the last parameter varies fastest); a
/// conditional parameter multiplies only the trials its <c>when</c> holds for (<see cref="SearchSpace.All"/>).
/// </summary>
public static class GridSearch
{
    public static List<TrialConfig> Expand(SweepDefinition sweep)
    {
        foreach (var parameter in sweep.Parameters.OfType<DistributionParameter>())
            throw new InvalidOperationException($"{parameter.Name}: a grid cannot expand a distribution.");
        return SearchSpace.All(sweep.Parameters).Select(values => new TrialConfig(values, sweep)).ToList();
    }
}
