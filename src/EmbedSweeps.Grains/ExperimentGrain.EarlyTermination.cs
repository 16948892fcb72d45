using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps.EarlyTermination;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

// early_termination: the objective's intermediate values of every trial, and the rule's verdict on each new one.
public sealed partial class ExperimentGrain
{
    // In memory only: storing them rewrote the whole experiment on every evaluation of every trial (bytes quadratic in the
    // sweep's length). The trials store them in their timelines, so a new activation reads them back (RecallReportsAsync).
    private readonly Dictionary<string, List<MetricReport>> reports = [];

    public Task<bool> ReportMetricAsync(string trialId, int step, double value)
    {
        var definition = Definition();
        // Baselines are not trained, so they are not competitors for early termination.
        if (definition is null || state.State.Trials.Any(t => t.TrialId == trialId && t.Baseline)) return Task.FromResult(false);
        var own = reports.TryGetValue(trialId, out var kept) ? kept : reports[trialId] = [];
        own.RemoveAll(r => r.Step == step); // a retried attempt replays steps
        own.Add(new MetricReport(trialId, step, value));
        return Task.FromResult(EarlyTerminationRules.For(definition).ShouldStop(trialId, [.. reports.Values.SelectMany(r => r)]));
    }

    /// <summary>
    /// A running sweep's activation reads the intermediate values back from its trials (those that have started), so the
    /// rule judges a trial against everyone as before the restart. The values a trial did not store — NaN, from a failed
    /// evaluation, which stopped that trial at once — are not recalled. A trial that does not answer is left out until it
    /// reports again.
    /// </summary>
    private async Task RecallReportsAsync()
    {
        var started = state.State.Trials.Where(t => !t.Baseline && (t.Summary is not null || t.Status != TrialStatus.Pending)).ToList();
        var answers = await Task.WhenAll(started.Select(async t =>
        {
            try { return (t.TrialId, Values: await Trial(t.TrialId).ObjectiveValuesAsync()); }
            catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Sweep {Sweep}: the intermediate values of trial {Trial} were not read ({Reason})", Name, t.TrialId, e.Message);
                return (t.TrialId, Values: (IReadOnlyList<MetricPoint>?)null);
            }
        }));
        foreach (var (trialId, values) in answers)
            if (values is { Count: > 0 }) reports[trialId] = values.Select(p => new MetricReport(trialId, p.Step, p.Value)).ToList();
    }
}
