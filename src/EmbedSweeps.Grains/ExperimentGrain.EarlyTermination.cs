using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.EarlyTermination;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

// early_termination: the objective's intermediate values of every trial, and the rule's verdict on each new one.
public sealed partial class ExperimentGrain
{
    // In memory only: storing them rewrote the whole experiment on every evaluation of every trial (bytes quadratic in the
    // sweep's length). The trials store them in their timelines, so a new activation reads them back (RecallReportsAsync).
    private readonly Dictionary<string, List<MetricReport>> reports = [];
    private Task? recall;

    // Only an early-termination rule reads intermediate values (and makes the stopped trials the TPE sees by their last one).
    private bool Judged => Definition()?.EarlyTermination.Type is { } type && type != EarlyTerminationSpec.None.Type;

    public async Task<bool> ReportMetricAsync(string trialId, int step, double value)
    {
        var definition = Definition();
        // Baselines are not trained, so they are not competitors for early termination.
        if (definition is null || !Judged || state.State.Trials.Any(t => t.TrialId == trialId && t.Baseline)) return false;
        await RecalledAsync();
        var own = reports.TryGetValue(trialId, out var kept) ? kept : reports[trialId] = [];
        own.RemoveAll(r => r.Step == step); // a retried attempt replays steps
        own.Add(new MetricReport(trialId, step, value));
        return EarlyTerminationRules.For(definition).ShouldStop(trialId, [.. reports.Values.SelectMany(r => r)]);
    }

    /// <summary>
    /// The first time this activation needs the intermediate values (a report to judge, a trial for the TPE), it reads them
    /// back from its trials; later calls wait for that one read. Whenever the sweep runs again — a restart, a retry days
    /// after it completed — its trials are judged against every earlier one, as before.
    /// </summary>
    private async Task RecalledAsync()
    {
        if (!Judged) return;
        var task = recall ??= RecallReportsAsync();
        try
        {
            await task;
        }
        catch
        {
            if (ReferenceEquals(recall, task)) recall = null; // the next call tries again
            throw;
        }
    }

    /// <summary>
    /// Reads the intermediate values back from the trials that have started. The values a trial did not store — NaN, from a
    /// failed evaluation, which stopped that trial at once — are not recalled. A trial that does not answer is left out until
    /// it reports again.
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
