using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

// The leaderboard's read model: the experiment keeps each trial's summary, so a leaderboard is one call to it.
public sealed partial class ExperimentGrain
{
    /// <summary>
    /// Sweeps stored before trials sent summaries: ask each started trial once, when the experiment activates,
    /// so their leaderboards show metrics again. A trial that does not answer is asked at the next activation.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync();
        // Ended trials only: a running one sends its summary when it ends, and the reminder refreshes it meanwhile.
        var missing = current.Trials.Where(t => t.Summary is null && t.Status.IsFinal()).ToList();
        if (missing.Count > 0)
        {
            try
            {
                var answers = await Task.WhenAll(missing.Select(async t =>
                {
                    try { return await Trial(t.TrialId).GetAsync(); }
                    catch (Exception e) when (e is OrleansException or TimeoutException) { return null; }
                }));
                await ChangeAsync(s => answers.OfType<TrialSnapshot>().Aggregate(s, (each, snapshot) => WithTrial(each, snapshot.TrialId, t => WithSummary(t, TrialSummary.Of(snapshot)))));
                logger.LogInformation("Sweep {Sweep}: summaries of {Count} trial(s) read from the trials", Name, answers.Count(a => a is not null));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The leaderboard shows fewer metrics until the next activation; the sweep itself stays readable.
                logger.LogWarning("Sweep {Sweep}: the trials' summaries were not read or stored ({Reason}); asking again at the next activation", Name, e.Message);
            }
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task TrialChangedAsync(string trialId, TrialSummary summary)
    {
        if (!current.Trials.Any(t => t.TrialId == trialId && IsNewer(t, summary))) return;
        await ChangeAsync(s => WithTrial(s, trialId, t => WithSummary(t, summary)));
    }

    private static bool IsNewer(ExperimentTrial trial, TrialSummary summary) => trial.Summary is null || trial.Summary.Revision < summary.Revision;

    // The experiment already holds a newer summary of the trial than one of this revision (an equal one is not stale).
    private static bool IsStale(ExperimentTrial trial, long revision) => trial.Summary is { } kept && kept.Revision > revision;

    // One-way messages can overtake each other: an older summary never replaces a newer one.
    private static ExperimentTrial WithSummary(ExperimentTrial trial, TrialSummary summary) =>
        IsNewer(trial, summary) ? trial with { Summary = summary } : trial;
}
