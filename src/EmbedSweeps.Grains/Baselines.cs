using System.Security.Cryptography;
using System.Text;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Grains;

/// <summary>
/// One baseline per base model of a sweep: the untrained model through the sweep's evaluations, so
/// the leaderboard can show every trial's gain over doing nothing.
/// </summary>
internal static class Baselines
{
    public static IEnumerable<ExperimentTrial> For(SweepDefinition sweep)
    {
        var models = sweep.Parameters.FirstOrDefault(p => p.Name == "base_model") switch
        {
            FixedParameter f => [(string)f.Value],
            CategoricalParameter c => c.Values.Cast<string>().ToList(),
            _ => new List<string>(),
        };
        var evaluation = EvaluationCatalog.SettingValue(sweep.Evaluation);
        foreach (var model in models)
        {
            var settings = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["base_model"] = model, ["evaluation"] = evaluation, ["baseline"] = true };
            var json = TrialConfig.Canonical(settings);
            var id = "baseline-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12];
            yield return new ExperimentTrial(id, TrialStatus.Pending, json, null, TrialConfig.Canonical(new Dictionary<string, object> { ["base_model"] = model }), Baseline: true);
        }
    }
}
