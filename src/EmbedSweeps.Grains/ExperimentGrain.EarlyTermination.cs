using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.EarlyTermination;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

// early_termination: the objective's intermediate values of every trial, and the rule's verdict on each new one.
public sealed partial class ExperimentGrain
{
    // Trials asked at once when the values are read back: each may load its timeline's chunks.
    private const int RecallConcurrency = 16;
    private static readonly TimeSpan RecallRetry = TimeSpan.FromMinutes(1);

    // In memory only: storing them rewrote the whole experiment on every evaluation of every trial (bytes quadratic in the
    // sweep's length). The trials store them in their timelines, so an activation reads them back (RecalledAsync).
    private readonly Dictionary<string, List<MetricReport>> reports = [];
    private Task? recall;
    // Trials that did not answer the read: asked again, at most once a minute, until they do.
    private List<string> unrecalled = [];
    private DateTimeOffset recalledAt;
    // The values earlier versions stored in the experiment's state were read: the next write drops them.
    private bool legacyRead;

    // Only an early-termination rule reads intermediate values (and makes the stopped trials the TPE sees by their last one).
    private bool Judged => Definition()?.EarlyTermination.Type is { } type && type != EarlyTerminationSpec.None.Type;

    public async Task<bool> ReportMetricAsync(string trialId, int step, double value)
    {
        var definition = Definition();
        // Baselines are not trained, so they are not competitors for early termination.
        if (definition is null || !Judged || current.Trials.Any(t => t.TrialId == trialId && t.Baseline)) return false;
        await RecalledAsync();
        var own = reports.TryGetValue(trialId, out var kept) ? kept : reports[trialId] = [];
        own.RemoveAll(r => r.Step == step); // a retried attempt replays steps
        own.Add(new MetricReport(trialId, step, value));
        return EarlyTerminationRules.For(definition).ShouldStop(trialId, [.. reports.Values.SelectMany(r => r)]);
    }

    /// <summary>
    /// The first time this activation needs the intermediate values (a report to judge, a trial for the TPE, a retry), it
    /// reads them back from its trials; later calls wait for that one read. Whenever the sweep runs again — a restart, a retry
    /// days after it completed — its trials are judged against every earlier one, as before.
    /// </summary>
    private async Task RecalledAsync()
    {
        if (!Judged) return;
        if (recall is { IsCompletedSuccessfully: true } && unrecalled.Count > 0 && DateTimeOffset.UtcNow - recalledAt >= RecallRetry)
            recall = RecallReportsAsync(unrecalled);
        var task = recall ??= RecallReportsAsync(null);
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
    /// Reads the intermediate values back from the trials that have started (<paramref name="only"/> those, when given),
    /// <see cref="RecallConcurrency"/> at a time. Values stored in the experiment's state by earlier versions come first:
    /// they are what those versions judged by. The values a trial did not store — NaN, from a failed evaluation, which
    /// stopped that trial at once — are not recalled.
    /// </summary>
    private async Task RecallReportsAsync(IReadOnlyCollection<string>? only)
    {
        recalledAt = DateTimeOffset.UtcNow;
        var legacy = (current.Reports ?? []).GroupBy(r => r.TrialId)
            .ToDictionary(g => g.Key, g => g.Select(r => new MetricReport(r.TrialId, r.Step, r.Value)).ToList());
        legacyRead = true;
        var started = current.Trials.Where(t => !t.Baseline && (t.Summary is not null || t.Status != TrialStatus.Pending)
            && (only is null || only.Contains(t.TrialId))).Select(t => t.TrialId).ToList();
        var missed = new List<string>();
        foreach (var batch in started.Chunk(RecallConcurrency))
        {
            var answers = await Task.WhenAll(batch.Select(async trialId =>
            {
                try { return (trialId, Values: await Trial(trialId).ObjectiveValuesAsync()); }
                catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
                {
                    logger.LogWarning("Sweep {Sweep}: the intermediate values of trial {Trial} were not read ({Reason}); asking again in a minute", Name, trialId, e.Message);
                    return (trialId, Values: (IReadOnlyList<MetricPoint>?)null);
                }
            }));
            foreach (var (trialId, values) in answers)
            {
                if (values is null) missed.Add(trialId);
                // What an earlier version stored is what it judged by: a trial's own timeline from then does not know which
                // of its attempts a user's retry made old, so it is read only where the experiment's state has nothing.
                var recalled = legacy.TryGetValue(trialId, out var earlier) ? earlier
                    : (values ?? []).Select(p => new MetricReport(trialId, p.Step, p.Value)).ToList();
                // Values that arrived since (this trial reported while it was not answering) are newer: they win.
                var since = reports.GetValueOrDefault(trialId) ?? [];
                reports[trialId] = [.. recalled.Where(r => since.All(s => s.Step != r.Step)), .. since];
            }
        }
        unrecalled = missed;
    }
}
