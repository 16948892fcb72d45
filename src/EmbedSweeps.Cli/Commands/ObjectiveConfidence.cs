using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;
using static TorchSharp.torch;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// Is a trial's gain real? Next to the objective a worker reports its 95% bootstrap interval
/// (<c>OBJECTIVE_ci_low</c>, <c>OBJECTIVE_ci_high</c>) and the paired bootstrap of the trial's objective minus the
/// untrained base model's on the same items (<c>OBJECTIVE_gain</c>, <c>OBJECTIVE_gain_ci_low</c>,
/// <c>OBJECTIVE_gain_ci_high</c>): the leaderboard marks a gain whose interval contains 0 as noise.
/// </summary>
internal static class ObjectiveConfidence
{
    public static Dictionary<string, double> Of(string objective, EvaluationResult trialEvaluation, ISentenceEvaluator evaluator, string baseModel, Device device)
    {
        var result = new Dictionary<string, double>();
        var prefix = trialEvaluation.Name + "_";
        if (trialEvaluation.Items is null || !objective.StartsWith(prefix, StringComparison.Ordinal)) return result;
        var metric = objective[prefix.Length..];
        if (!trialEvaluation.Metrics.ContainsKey(metric)) return result;
        if (trialEvaluation.Intervals().TryGetValue(objective, out var interval))
            (result[$"{objective}_ci_low"], result[$"{objective}_ci_high"]) = interval;

        using var untrained = CommonOptions.LoadEncoder(baseModel, device.type == TorchSharp.DeviceType.CUDA ? "cuda" : "cpu");
        var baseline = evaluator.Evaluate(untrained);
        if (baseline.Items is null || baseline.Items.Count != trialEvaluation.Items.Count) return result;
        // The raw difference, trial − untrained; the leaderboard turns it the objective's better way.
        var (gain, low, high) = Bootstrap.PairedDifference(trialEvaluation.Items, baseline.Items, metric);
        result[$"{objective}_gain"] = gain;
        result[$"{objective}_gain_ci_low"] = low;
        result[$"{objective}_gain_ci_high"] = high;
        return result;
    }
}
