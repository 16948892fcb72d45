using EmbedSweeps.Abstractions;
using Orleans.Storage;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// Pages of trials are written as new versions and become the sweep's only when the experiment's state naming them is stored
/// (<see cref="ExperimentTrialPages.CommitAsync"/>): a state that fails to be stored leaves the sweep in storage as it was.
/// </summary>
public sealed class TrialPageVersionsTests
{
    /// <summary>Grain states in a dictionary, with etags as Azure's provider checks them: enough to follow what is stored.</summary>
    private sealed class DictionaryStorage : IGrainStorage
    {
        public readonly Dictionary<string, (string ETag, object State)> States = new();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (States.TryGetValue(stateName, out var stored)) (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)stored.State, stored.ETag, true);
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (States.TryGetValue(stateName, out var stored) ? stored.ETag != grainState.ETag : grainState.ETag is not null)
                throw new InconsistentStateException($"{stateName}: etag {grainState.ETag} is not the stored one");
            grainState.ETag = Guid.NewGuid().ToString("N");
            grainState.RecordExists = true;
            States[stateName] = (grainState.ETag, grainState.State!);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            States.Remove(stateName);
            return Task.CompletedTask;
        }
    }

    private static readonly GrainId Experiment = GrainId.Create("experiment", "paged");

    private static List<ExperimentTrial> Trials(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ExperimentTrial($"t-{i:x16}", TrialStatus.Pending, "{}", null, "{}"))];

    private static List<ExperimentTrial> With(List<ExperimentTrial> trials, int index, TrialStatus status) =>
        [.. trials.Select((t, i) => i == index ? t with { Status = status } : t)];

    private static async Task<List<ExperimentTrial>> ReadBackAsync(DictionaryStorage storage, List<int> versions) =>
        await new ExperimentTrialPages(storage, Experiment).ReadAsync(versions);

    // Trials stored as an experiment's committed pages.
    private static async Task<(DictionaryStorage Storage, ExperimentTrialPages Pages, List<ExperimentTrial> Trials, ExperimentTrialPages.Written First)> StoredAsync(int count)
    {
        var storage = new DictionaryStorage();
        var pages = new ExperimentTrialPages(storage, Experiment);
        var trials = Trials(count);
        var first = await pages.WriteAsync(trials);
        await pages.CommitAsync(first);
        return (storage, pages, trials, first);
    }

    [Fact]
    public async Task AChangeWritesANewVersionOfItsPageAloneAndTheStoredVersionsStayReadable()
    {
        var (storage, pages, trials, first) = await StoredAsync(40);
        Assert.Equal([0, 0], first.Versions);

        // Trial 35 (page 1) changes; the experiment's state naming the new version fails to be stored: not committed.
        var failed = await pages.WriteAsync(With(trials, 35, TrialStatus.Running));
        Assert.Equal([0, 1], failed.Versions);
        Assert.Single(failed.Pages);
        Assert.Equal(TrialStatus.Pending, (await ReadBackAsync(storage, first.Versions))[35].Status); // what the stored state names

        // The grain rolled back; the next change (trial 36) replaces the orphan version and is stored.
        var next = await pages.WriteAsync(With(trials, 36, TrialStatus.Running));
        Assert.Equal([0, 1], next.Versions);
        await pages.CommitAsync(next);
        var read = await ReadBackAsync(storage, next.Versions);
        Assert.Equal((TrialStatus.Pending, TrialStatus.Running), (read[35].Status, read[36].Status));
        Assert.Equal(["trials-0.0", "trials-1.1"], storage.States.Keys.Order()); // the replaced version is deleted
    }

    [Fact]
    public async Task TrialsPrependedShiftEveryPageButTheStoredSweepStaysWholeUntilCommitted()
    {
        var (storage, pages, trials, first) = await StoredAsync(64);

        // A resubmission puts a new baseline first: every page changes, and a third begins.
        var baseline = new ExperimentTrial("baseline-0000000000000001", TrialStatus.Pending, "{}", null, "{}", Baseline: true);
        var shifted = await pages.WriteAsync([baseline, .. trials]);
        Assert.Equal([1, 1, 0], shifted.Versions);
        Assert.Equal(trials.Select(t => t.TrialId), (await ReadBackAsync(storage, first.Versions)).Select(t => t.TrialId)); // not yet the sweep's

        await pages.CommitAsync(shifted);
        Assert.Equal([baseline.TrialId, .. trials.Select(t => t.TrialId)], (await ReadBackAsync(storage, shifted.Versions)).Select(t => t.TrialId));
    }
}
