using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>The trials a sweep starts with: the whole grid, the random draws, or bayes' start-up trials.</summary>
public static class SweepExpansion
{
    public static List<TrialConfig> InitialTrials(SweepDefinition sweep) => sweep.Method switch
    {
        SearchMethod.Grid => GridSearch.Expand(sweep),
        SearchMethod.Random => RandomSearch.Expand(sweep),
        // Bayes proposes the rest one by one as results arrive (TreeParzenEstimator.Suggest).
        _ => RandomSearch.Expand(sweep with { Limits = sweep.Limits with { MaxTrials = Math.Min(sweep.Limits.MaxTrials, StartupTrials(sweep)) } }),
    };

    /// <summary>Random trials before the TPE takes over: 10, or fewer for small budgets.</summary>
    public static int StartupTrials(SweepDefinition sweep) => Math.Clamp(sweep.Limits.MaxTrials / 4, 1, 10);
}
