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
/// state, as states of the same grain in the experiments storage. A trial's start or end rewrites its page alone, at most
/// <see cref="PageSize"/> trials, instead of every trial of the sweep: the bytes a sweep writes grow linearly with its trials,
/// not quadratically.
/// </summary>
/// <remarks>
/// A changed page is written as a new version ("trials-3.1" replaces "trials-3.0"), never over the one the experiment's stored
/// state names (<see cref="ExperimentState.TrialPageVersions"/>). So the state decides which pages are the sweep's: when it
/// fails to be stored after its pages were, storage still holds the sweep as it was. The replaced versions are deleted once the
/// state naming the new ones is stored (<see cref="CommitAsync"/>).
/// </remarks>
public sealed class ExperimentTrialPages(IGrainStorage storage, GrainId grain)
{
    /// <summary>Trials per page: about 60 KB of summaries.</summary>
    public const int PageSize = 32;

    private const int ConcurrentReads = 16;

    // The pages the stored experiment state names: their versions, etags and trials (to tell a changed page from an unchanged one).
    private readonly List<(int Version, GrainState<TrialPage> Page)> stored = [];

    /// <summary>What <see cref="WriteAsync"/> wrote: the versions the experiment's state is to name, and the pages they replace.</summary>
    public sealed record Written(List<int> Versions, IReadOnlyList<(int Index, int Version, GrainState<TrialPage> Page)> Pages);

    /// <summary>The trials of the pages of these <paramref name="versions"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">A page the experiment's state names is missing from storage.</exception>
    public async Task<List<ExperimentTrial>> ReadAsync(IReadOnlyList<int> versions)
    {
        stored.Clear();
        // Sixteen reads at a time: a sweep of a thousand trials is 32 pages, and read one by one they made its first
        // leaderboard after a restart half a second slower.
        foreach (var batch in Enumerable.Range(0, versions.Count).Chunk(ConcurrentReads))
            stored.AddRange(await Task.WhenAll(batch.Select(async index => (versions[index], await ReadPageAsync(index, versions[index])))));
        return [.. stored.SelectMany(p => p.Page.State!.Trials)];
    }

    /// <summary>
    /// Writes the pages of <paramref name="trials"/> in which a trial changed since the pages the stored state names (changes are
    /// <c>with</c> copies, so an unchanged trial is the same record), each as a new version. Nothing is taken as stored until
    /// <see cref="CommitAsync"/>: a write whose experiment state then fails is simply written again by the next.
    /// </summary>
    public async Task<Written> WriteAsync(IReadOnlyList<ExperimentTrial> trials)
    {
        var versions = new List<int>();
        var written = new List<(int, int, GrainState<TrialPage>)>();
        foreach (var (chunk, index) in trials.Chunk(PageSize).Select((chunk, index) => (chunk, index)))
        {
            var slice = chunk.ToList();
            if (index < stored.Count && stored[index].Page.State!.Trials.SequenceEqual(slice, ReferenceEqualityComparer.Instance))
            {
                versions.Add(stored[index].Version);
                continue;
            }
            var version = index < stored.Count ? stored[index].Version + 1 : 0;
            // A page of that version left by a write whose experiment state was not stored: its etag, to replace it.
            var page = new GrainState<TrialPage>();
            await storage.ReadStateAsync(StateName(index, version), grain, page);
            page.State = new TrialPage { Trials = slice };
            await storage.WriteStateAsync(StateName(index, version), grain, page);
            versions.Add(version);
            written.Add((index, version, page));
        }
        return new Written(versions, written);
    }

    /// <summary>
    /// The experiment's state naming <paramref name="written"/>'s versions is stored: they become the sweep's pages, and the
    /// versions they replace are deleted. A deletion that fails leaves a page no state names, nothing worse.
    /// </summary>
    public async Task CommitAsync(Written written)
    {
        var replaced = new List<(int Index, int Version, GrainState<TrialPage> Page)>();
        foreach (var (index, version, page) in written.Pages)
        {
            if (index < stored.Count)
            {
                replaced.Add((index, stored[index].Version, stored[index].Page));
                stored[index] = (version, page);
            }
            else stored.Add((version, page));
        }
        foreach (var (index, version, page) in replaced)
        {
            try { await storage.ClearStateAsync(StateName(index, version), grain, page); }
            catch (Exception e) when (e is not OutOfMemoryException) { } // an orphan page costs its bytes only
        }
    }

    /// <summary>
    /// Stores <paramref name="experiment"/> as the grain stores it: its trials in pages (version 0 each), then its own state
    /// naming them. For tools that seed storage (benchmarks).
    /// </summary>
    public static async Task SeedAsync(IGrainStorage storage, GrainId grain, ExperimentState experiment)
    {
        var pages = new ExperimentTrialPages(storage, grain);
        var written = await pages.WriteAsync(experiment.Trials);
        await storage.WriteStateAsync("experiment", grain, new GrainState<ExperimentState>(experiment with { Trials = [], TrialPageVersions = written.Versions }));
    }

    /// <summary>The state name of version <paramref name="version"/> of page <paramref name="index"/>.</summary>
    public static string StateName(int index, int version) => $"trials-{index}.{version}";

    private async Task<GrainState<TrialPage>> ReadPageAsync(int index, int version)
    {
        var page = new GrainState<TrialPage>();
        await storage.ReadStateAsync(StateName(index, version), grain, page);
        return page.RecordExists && page.State is not null ? page
            : throw new InvalidOperationException($"page {index} of the trials of {grain} ({StateName(index, version)}) is missing from storage, so the sweep " +
                                                  "cannot be read; restore the experiments container from a backup.");
    }
}
