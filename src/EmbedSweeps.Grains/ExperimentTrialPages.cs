using EmbedSweeps.Abstractions;
using Orleans.Storage;

namespace EmbedSweeps.Grains;

/// <summary>Up to <see cref="ExperimentTrialPages.PageSize"/> of an experiment's trials, in order, stored as a state of their own.</summary>
[GenerateSerializer, Alias("EmbedSweeps.TrialPage")]
public sealed record TrialPage
{
    [Id(0)] public List<ExperimentTrial> Trials { get; init; } = [];
}

/// <summary>
/// An experiment's trials (each with its summary: the leaderboard's read model) stored in pages beside the experiment's own
/// state ("trials-0", "trials-1", … of the same grain in the experiments storage). A trial's start or end rewrites its page
/// alone, at most <see cref="PageSize"/> trials, instead of every trial of the sweep: the bytes a sweep writes grow linearly
/// with its trials, not quadratically. The experiment's state counts the pages (<see cref="ExperimentState.TrialPages"/>).
/// </summary>
public sealed class ExperimentTrialPages(IGrainStorage storage, GrainId grain)
{
    /// <summary>Trials per page: about 60 KB of summaries.</summary>
    public const int PageSize = 32;

    // Each page as last read or written: its etag, and its trials to tell a changed page from an unchanged one.
    private readonly List<GrainState<TrialPage>> stored = [];

    /// <summary>The trials of the first <paramref name="pages"/> pages, in order.</summary>
    /// <exception cref="InvalidOperationException">A page the experiment's state counts is missing from storage.</exception>
    public async Task<List<ExperimentTrial>> ReadAsync(int pages)
    {
        stored.Clear();
        // Sixteen reads at a time: a sweep of a thousand trials is 32 pages, and read one by one they made its first
        // leaderboard after a restart half a second slower.
        foreach (var batch in Enumerable.Range(0, pages).Chunk(ConcurrentReads))
            stored.AddRange(await Task.WhenAll(batch.Select(ReadPageAsync)));
        return [.. stored.SelectMany(p => p.State!.Trials)];
    }

    private const int ConcurrentReads = 16;

    private async Task<GrainState<TrialPage>> ReadPageAsync(int index)
    {
        var page = new GrainState<TrialPage>();
        await storage.ReadStateAsync(StateName(index), grain, page);
        return page.RecordExists && page.State is not null ? page
            : throw new InvalidOperationException($"page {index} of the trials of {grain} is missing from storage ({StateName(index)}); its trials are lost.");
    }

    /// <summary>
    /// Stores <paramref name="trials"/>: only the pages in which a trial changed since the last read or write (changes are
    /// <c>with</c> copies, so an unchanged trial is the same record). Returns the number of pages, for the experiment's state,
    /// which is written after them: a page written for a change whose state was then not stored is rewritten by the next.
    /// </summary>
    public async Task<int> WriteAsync(IReadOnlyList<ExperimentTrial> trials)
    {
        var pages = (trials.Count + PageSize - 1) / PageSize;
        for (var index = 0; index < pages; index++)
        {
            var slice = trials.Skip(index * PageSize).Take(PageSize).ToList();
            if (index < stored.Count && stored[index].State!.Trials.SequenceEqual(slice, ReferenceEqualityComparer.Instance)) continue;
            var page = index < stored.Count ? stored[index] : await ExistingAsync(index);
            var next = new GrainState<TrialPage>(new TrialPage { Trials = slice }) { ETag = page.ETag, RecordExists = page.RecordExists };
            await storage.WriteStateAsync(StateName(index), grain, next);
            if (index < stored.Count) stored[index] = next;
            else stored.Add(next);
        }
        return pages;
    }

    /// <summary>The pages of <paramref name="trials"/> as they are stored: for tools that seed storage (benchmarks, tests).</summary>
    public static IEnumerable<(string StateName, TrialPage Page)> Paged(IReadOnlyList<ExperimentTrial> trials) =>
        trials.Chunk(PageSize).Select((chunk, index) => (StateName(index), new TrialPage { Trials = [.. chunk] }));

    // A page past those known: left by a write whose experiment state was not stored, or new. Its etag, if any, to replace it.
    private async Task<GrainState<TrialPage>> ExistingAsync(int index)
    {
        var page = new GrainState<TrialPage>();
        await storage.ReadStateAsync(StateName(index), grain, page);
        return page;
    }

    private static string StateName(int index) => $"trials-{index}";
}
