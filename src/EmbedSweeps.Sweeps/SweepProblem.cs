namespace EmbedSweeps.Sweeps;

/// <summary>One problem in a sweep file, printed as <c>FILE:LINE:COLUMN: message</c> (1-based, as editors count).</summary>
public sealed record SweepProblem(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A sweep file with problems: every problem found, so the user can fix them all at once.</summary>
public sealed class SweepValidationException(IReadOnlyList<SweepProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<SweepProblem> Problems { get; } = problems;
}
