namespace EmbedSweeps.Sweeps.EarlyTermination;

/// <summary>An intermediate value of the objective metric that a trial reported at a training step.</summary>
public sealed record MetricReport(string TrialId, int Step, double Value);

/// <summary>A rule that decides, from all reports so far, whether a trial should stop now.</summary>
public interface IEarlyTerminationRule
{
    bool ShouldStop(string trialId, IReadOnlyList<MetricReport> reports);
}

/// <summary>The rule that never stops a trial.</summary>
public sealed class NoEarlyTermination : IEarlyTerminationRule
{
    public bool ShouldStop(string trialId, IReadOnlyList<MetricReport> reports) => false;
}
