namespace EmbedSweeps.Abstractions;

/// <summary>A running trial's progress as its timeline tells it: step, loss, best objective, and an ETA.</summary>
public sealed record TrialProgress(string TrialId, int Step, int? TotalSteps, double? Loss, double? Best, TimeSpan Elapsed, TimeSpan? Remaining)
{
    /// <summary>The timeline entry that carries the run's total steps (reported once, at step 0).</summary>
    public const string TotalStepsMetric = "total_steps";

    public static TrialProgress Of(TrialSnapshot trial, string objective, bool maximize, DateTimeOffset now)
    {
        var total = trial.Timeline.LastOrDefault(p => p.Name == TotalStepsMetric) is { } t ? (int?)t.Value : null;
        var step = trial.Timeline.Where(p => p.Name != TotalStepsMetric).Select(p => p.Step).DefaultIfEmpty(0).Max();
        var loss = trial.Timeline.LastOrDefault(p => p.Name == "loss")?.Value;
        var scores = trial.Timeline.Where(p => p.Name == objective).Select(p => p.Value).ToList();
        double? best = scores.Count == 0 ? null : maximize ? scores.Max() : scores.Min();
        var elapsed = trial.StartedAt is { } started ? now - started : TimeSpan.Zero;
        // Linear in steps from the attempt's start: rough (evaluations are lumpy) but honest about being an estimate.
        TimeSpan? remaining = total is > 0 && step > 0 ? elapsed * ((double)(total.Value - step) / step) : null;
        return new TrialProgress(trial.TrialId, step, total, loss, best, elapsed, remaining);
    }
}
