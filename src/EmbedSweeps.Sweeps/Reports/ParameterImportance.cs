using System.Globalization;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Reports;

/// <summary>A finished trial as importance sees it: its swept parameters' values (conditional ones absent when unused) and its objective.</summary>
public sealed record ImportanceTrial(IReadOnlyDictionary<string, object> Parameters, double Objective);

/// <summary>Each swept parameter's share of the importance (shares add up to 1), most important first.</summary>
/// <param name="Shares">(parameter, share in [0, 1]); all equal when nothing distinguishes the top trials.</param>
/// <param name="Trials">Finished trials with a finite objective: what the analysis used.</param>
/// <param name="TopTrials">Of those, the trials in the top <see cref="TargetQuantile"/> (ties included).</param>
/// <param name="Warnings">Why the shares may not mean much (too few trials, too few top trials, a rare regime).</param>
public sealed record ImportanceResult(
    string Method, double TargetQuantile, int Trials, int TopTrials, IReadOnlyList<(string Parameter, double Share)> Shares, IReadOnlyList<string> Warnings);

/// <summary>
/// Hyperparameter importance by PED-ANOVA: how much a parameter's values among the top-γ′ trials (γ′ = 0.1: the best
/// 10 %) differ from its values among all finished trials, as the Pearson divergence between the two Parzen densities
/// (<see cref="ScottParzenEstimator"/>), for categorical and numeric parameters alike; conditional parameters split into
/// the regime where they apply and where they do not (condPED-ANOVA, Theorem 4.2: weight α²/β per regime, × (γ′/γ)²).
/// Shares are the importances normalised to add up to 1. Deterministic: no sampling, no random forest.
/// <para>
/// Sources: S. Watanabe, A. Bansal, F. Hutter, "PED-ANOVA: Efficiently Quantifying Hyperparameter Importance in
/// Arbitrary Subspaces", IJCAI 2023 (arXiv:2304.10255); "Conditional PED-ANOVA", KDD 2026 (arXiv:2601.20800); and
/// Optuna's <c>PedAnovaImportanceEvaluator</c> with its defaults (target_quantile 0.1, region_quantile 1,
/// evaluate_on_local), the default evaluator of <c>optuna.importance.get_param_importances</c> since Optuna PR #6748,
/// which this reproduces to 1e-9 (<c>bench/importance_reference.py</c>). Trials stopped early or failed take no part,
/// as Optuna counts only COMPLETE trials.
/// </para>
/// </summary>
public static class ParameterImportance
{
    public const string Method = "PED-ANOVA (Watanabe et al., IJCAI 2023), as Optuna's PedAnovaImportanceEvaluator";

    /// <summary>Below this many top trials Optuna's documentation calls the analysis unstable.</summary>
    public const int StableTopTrials = 5;

    private const int MinTrialsInRegime = 2;

    /// <summary>The importance of each swept parameter of <paramref name="parameters"/> (fixed ones are left out).</summary>
    /// <param name="trials">Finished trials; those with a non-finite objective are left out.</param>
    /// <param name="targetQuantile">γ′ in (0, 1): the share of best trials whose parameter values are compared with all.</param>
    /// <exception cref="ArgumentOutOfRangeException">γ′ not in (0, 1).</exception>
    public static ImportanceResult Compute(IReadOnlyList<ParameterSpace> parameters, IReadOnlyList<ImportanceTrial> trials, Goal goal, double targetQuantile = 0.1)
    {
        CheckQuantile(targetQuantile);
        var warnings = new List<string>();
        var finished = trials.Where(t => double.IsFinite(t.Objective)).ToList();
        // A sweep resubmitted with a changed file keeps its earlier trials; those with values the file no longer has
        // cannot be placed on its grids.
        var region = finished.Where(t => parameters.All(p => !t.Parameters.TryGetValue(p.Name, out var value) || Fits(p, value))).ToList();
        if (region.Count < finished.Count)
            warnings.Add($"{finished.Count - region.Count} trial(s) ran with values the sweep file no longer has; left out.");
        // As Optuna: only parameters some finished trial used (a conditional one whose condition never held is not listed).
        var swept = parameters.Where(p => IsSwept(p) && region.Any(t => t.Parameters.ContainsKey(p.Name))).ToList();
        if (region.Count <= 1)
        {
            warnings.Add($"{region.Count} finished trial(s): too few to tell the parameters apart; every share is equal.");
            return Result(targetQuantile, region.Count, region.Count, swept.Select(p => (p.Name, 0.0)), warnings);
        }
        var top = TopQuantile(region, targetQuantile, goal);
        if (top.Count < StableTopTrials)
            warnings.Add($"only {top.Count} trial(s) in the top {Percent(targetQuantile)} of {region.Count}: PED-ANOVA is stable from {StableTopTrials} on; run more trials or raise the target quantile.");

        var quantile = (double)top.Count / region.Count; // γ′/γ, with γ = 1
        var importances = new List<(string, double)>();
        foreach (var parameter in swept)
        {
            var importance = 0.0;
            // Only the regime where the parameter applies contributes: where it is absent its "distribution" is a single point.
            var active = region.Where(t => t.Parameters.ContainsKey(parameter.Name)).ToList();
            var inactive = region.Count - active.Count;
            if (active.Count < MinTrialsInRegime || inactive is > 0 and < MinTrialsInRegime)
                warnings.Add($"{parameter.Name}: fewer than {MinTrialsInRegime} finished trials {(active.Count < MinTrialsInRegime ? "use" : "leave out")} it; its share may be inaccurate.");
            var activeTop = top.Where(t => t.Parameters.ContainsKey(parameter.Name)).ToList();
            if (active.Count >= MinTrialsInRegime && activeTop.Count > 0)
            {
                var alpha = (double)activeTop.Count / top.Count;
                var beta = (double)active.Count / region.Count;
                importance = alpha * alpha / beta * PearsonDivergence(parameter, activeTop, active);
            }
            importances.Add((parameter.Name, importance * quantile * quantile));
        }
        return Result(targetQuantile, region.Count, top.Count, importances, warnings);
    }

    /// <exception cref="ArgumentOutOfRangeException">γ′ not in (0, 1).</exception>
    public static void CheckQuantile(double targetQuantile)
    {
        if (!(targetQuantile > 0 && targetQuantile < 1))
            throw new ArgumentOutOfRangeException(nameof(targetQuantile), targetQuantile, "The target quantile must be above 0 and below 1.");
    }

    /// <summary>A quantile as people write it: 0.1 → "10%".</summary>
    public static string Percent(double quantile) => (quantile * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static bool Fits(ParameterSpace parameter, object value) => parameter switch
    {
        CategoricalParameter categorical => categorical.Values.Any(v => ParameterValues.Same(v, value)),
        DistributionParameter distribution => value is long or int or double && ParameterValues.Bounds(distribution) is var (low, high)
            && ParameterValues.Number(value) >= low && ParameterValues.Number(value) <= high,
        _ => true,
    };

    private static bool IsSwept(ParameterSpace parameter) => parameter switch
    {
        CategoricalParameter categorical => categorical.Values.Count > 1,
        DistributionParameter distribution => ParameterValues.Bounds(distribution) is var (low, high) && low < high,
        _ => false,
    };

    /// <summary>The trials at least as good as the ⌈γ′·n⌉-th best (Optuna's _QuantileFilter: ties at the cut all stay).</summary>
    private static List<ImportanceTrial> TopQuantile(List<ImportanceTrial> trials, double quantile, Goal goal)
    {
        double Loss(ImportanceTrial t) => goal == Goal.Minimize ? t.Objective : -t.Objective;
        var cutoff = trials.Select(Loss).Order().ElementAt((int)Math.Ceiling(quantile * trials.Count) - 1);
        return trials.Where(t => Loss(t) <= cutoff).ToList();
    }

    /// <summary>Σ p_region · (p_top / p_region − 1)² over the parameter's grid, each density + 1e-12 as in Optuna.</summary>
    private static double PearsonDivergence(ParameterSpace parameter, List<ImportanceTrial> top, List<ImportanceTrial> region)
    {
        var pTop = ScottParzenEstimator.Build(parameter, top.Select(t => t.Parameters[parameter.Name]).ToList());
        var pRegion = ScottParzenEstimator.Build(parameter, region.Select(t => t.Parameters[parameter.Name]).ToList());
        var divergence = 0.0;
        for (var cell = 0; cell < pTop.Size; cell++)
        {
            var (t, r) = (pTop.Pdf(cell) + 1e-12, pRegion.Pdf(cell) + 1e-12);
            divergence += r * (t / r - 1) * (t / r - 1);
        }
        return divergence;
    }

    private static ImportanceResult Result(double quantile, int trials, int top, IEnumerable<(string Name, double Importance)> importances, List<string> warnings)
    {
        var list = importances.ToList();
        var total = list.Sum(i => i.Importance);
        if (total == 0 && list.Count > 0 && trials > 1) warnings.Add("the top trials' parameter values look like everyone's: every share is equal.");
        var shares = list.Select(i => (i.Name, Share: total == 0 ? 1.0 / list.Count : i.Importance / total))
            .OrderByDescending(s => s.Share).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        return new ImportanceResult(Method, quantile, trials, top, shares, warnings);
    }
}
