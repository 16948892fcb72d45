using EmbedSweeps.Abstractions;
using Orleans.Storage;

namespace EmbedSweeps.Grains;

/// <summary>
/// Points of a trial's timeline sealed into one chunk: one attempt's points (a new attempt seals the previous one's; a
/// timeline stored before chunks, sealed whole, holds several), at least <see cref="TrialTimeline.ChunkSize"/> of them
/// unless an attempt ended first. Written once and never rewritten.
/// </summary>
[GenerateSerializer, Alias("EmbedSweeps.TimelineChunk")]
public sealed record TimelineChunk
{
    [Id(0)] public int Attempt { get; init; }
    [Id(1)] public List<MetricPoint> Points { get; init; } = [];
}

/// <summary>
/// A trial's timeline stored append-only. The trial's own state holds the open chunk (the current attempt's latest points);
/// full chunks are written beside it as their own state ("timeline-0", "timeline-1", … of the same grain in the trials
/// storage), so each report writes at most a chunk's bytes instead of the whole timeline again (linear, not quadratic, in
/// the number of points). Sealed chunks are immutable, so they are read from storage once per activation.
/// </summary>
public sealed class TrialTimeline(IGrainStorage storage, GrainId grain)
{
    /// <summary>Points kept in the trial's own state before they are sealed into a chunk of their own.</summary>
    public const int ChunkSize = 512;

    private readonly List<TimelineChunk> sealedChunks = [];
    // ObjectiveValuesAsync interleaves with the trial's other calls: one load or seal of the cache at a time.
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>
    /// The timeline as readers see it: every chunk in order, then the open one; one value per (step, metric), the latest
    /// written winning in the earlier one's place (a retried attempt replays steps; a report retried after a storage error
    /// repeats them).
    /// </summary>
    public async Task<List<MetricPoint>> ReadAsync(int chunks, IReadOnlyList<MetricPoint> open, int fromAttempt = 0)
    {
        await gate.WaitAsync();
        try
        {
            await LoadAsync(chunks);
            return Merge(sealedChunks.Take(chunks).Where(c => c.Attempt >= fromAttempt).Select(c => c.Points).Append(open));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Writes <paramref name="chunk"/> as chunk number <paramref name="index"/>. A chunk of that number left by a write
    /// whose trial state was then not stored (storage failed in between) is overwritten: the trial state decides which exist.
    /// </summary>
    public async Task SealAsync(int index, TimelineChunk chunk)
    {
        await gate.WaitAsync();
        try
        {
            await LoadAsync(index);
            var stored = new GrainState<TimelineChunk>();
            await storage.ReadStateAsync(StateName(index), grain, stored); // its etag, when an earlier try left one
            stored.State = chunk;
            await storage.WriteStateAsync(StateName(index), grain, stored);
            // An earlier seal of this number whose trial state was not stored is replaced, here as in storage.
            sealedChunks.RemoveRange(index, sealedChunks.Count - index);
            sealedChunks.Add(chunk);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// One value per (step, metric) across <paramref name="parts"/> in order: a later value replaces an earlier one in
    /// its place. Values that are not finite (failed evaluations) are not points on a curve and are left out.
    /// </summary>
    public static List<MetricPoint> Merge(IEnumerable<IEnumerable<MetricPoint>> parts)
    {
        var merged = new List<MetricPoint>();
        var positions = new Dictionary<(int Step, string Name), int>();
        foreach (var point in parts.SelectMany(p => p).Where(p => double.IsFinite(p.Value)))
        {
            if (positions.TryGetValue((point.Step, point.Name), out var at)) merged[at] = point;
            else
            {
                positions[(point.Step, point.Name)] = merged.Count;
                merged.Add(point);
            }
        }
        return merged;
    }

    private async Task LoadAsync(int chunks)
    {
        for (var index = sealedChunks.Count; index < chunks; index++)
        {
            var stored = new GrainState<TimelineChunk>();
            await storage.ReadStateAsync(StateName(index), grain, stored);
            if (!stored.RecordExists || stored.State is null)
                throw new InvalidOperationException($"chunk {index} of the timeline of {grain} is missing from storage ({StateName(index)}); its points are lost.");
            sealedChunks.Add(stored.State);
        }
    }

    private static string StateName(int index) => $"timeline-{index}";
}
