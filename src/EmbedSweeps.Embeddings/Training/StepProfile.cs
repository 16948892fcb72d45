using System.Diagnostics;

namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// Where the milliseconds of training steps go, by named section (forward: embeddings, attention, feed-forward …;
/// loss; backward; optimizer; bf16 copies), for <c>embedsweeps bench train --profile</c>. Code marks a section with
/// <c>using var _ = StepProfile.Time("…")</c>, which costs nothing unless a profile is active on this thread.
/// Sections are wall-clock time around synchronous CPU work; on CUDA, kernels run asynchronously, so only a step's
/// total means anything there. A section inside another counts in both: the forward sections add up to "forward".
/// </summary>
public sealed class StepProfile
{
    [ThreadStatic] private static StepProfile? current;
    private readonly Dictionary<string, (double Seconds, long Calls)> sections = new(StringComparer.Ordinal);

    /// <summary>Whether sections are counted now (off during warm-up steps).</summary>
    public bool Recording { get; set; }

    /// <summary>Makes this the thread's profile until the result is disposed.</summary>
    public IDisposable Activate()
    {
        var previous = current;
        current = this;
        return new Restore(previous);
    }

    /// <summary>Times the section <paramref name="name"/> until disposed, when a recording profile is active.</summary>
    public static Section Time(string name) => new(current is { Recording: true } profile ? profile : null, name);

    /// <summary>Every section in the order first seen: total seconds and how many times it ran.</summary>
    public IReadOnlyList<(string Name, double Seconds, long Calls)> Sections =>
        sections.Select(s => (s.Key, s.Value.Seconds, s.Value.Calls)).ToList();

    private void Add(string name, double seconds)
    {
        var (total, calls) = sections.GetValueOrDefault(name);
        sections[name] = (total + seconds, calls + 1);
    }

    /// <summary>A running section; disposing it records its time.</summary>
    public readonly struct Section(StepProfile? profile, string name) : IDisposable
    {
        private readonly long started = profile is null ? 0 : Stopwatch.GetTimestamp();

        public void Dispose() => profile?.Add(name, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private sealed class Restore(StepProfile? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
