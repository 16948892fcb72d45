namespace EmbedSweeps.Grains;

/// <summary>
/// How often the reminders that keep sweeps moving fire: the experiment's schedule (starts trials
/// after a restart or a lost notification) and each running trial's liveness check. One minute is
/// Orleans' default minimum reminder period; tests shorten both to see a restart within seconds.
/// </summary>
public sealed record SweepSchedulingOptions
{
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
