using Orleans.Storage;

namespace EmbedSweeps.Grains;

// How the experiment's state is kept: whole in memory, in storage as its own small state plus pages of trials.
public sealed partial class ExperimentGrain
{
    // The grain is reentrant (trials report while it schedules): one storage write at a time, each of the latest state,
    // or two writes with the same etag collide (InconsistentStateException) and the grain loses its state in memory.
    private readonly SemaphoreSlim writing = new(1, 1);

    /// <summary>The state with every trial: what the grain reads. Storage holds it as <c>state</c> (no trials) and the pages.</summary>
    private ExperimentState current = new();

    private ExperimentTrialPages? pages;
    private ExperimentTrialPages Pages => pages ??= new ExperimentTrialPages(storage, this.GetGrainId());

    // At activation, before anything reads the trials: from their pages, or from the state itself as earlier versions stored it.
    private async Task LoadAsync() =>
        current = state.State.TrialPageVersions.Count > 0 ? state.State with { Trials = await Pages.ReadAsync(state.State.TrialPageVersions) } : state.State;

    /// <summary>
    /// The one way the experiment's state changes: <paramref name="change"/> is applied to the latest state and stored, one
    /// change at a time (the grain is reentrant: two writes with one etag collide, and a change computed from a state another
    /// call has since replaced would undo that call's). The pages whose trials changed are written first, as new versions, then
    /// the state that names them. When storage refuses, the state in memory goes back to what storage holds and the caller gets the error:
    /// nothing is taken as stored that is not.
    /// </summary>
    private async Task ChangeAsync(Func<ExperimentState, ExperimentState> change)
    {
        await writing.WaitAsync();
        var (previous, previouslyStored) = (current, state.State);
        try
        {
            var next = change(previous);
            if (legacyRead && next.Reports is not null) next = next with { Reports = null }; // read into memory already
            if (ReferenceEquals(next, previous)) return;
            current = next;
            var written = await Pages.WriteAsync(next.Trials);
            state.State = next with { Trials = [], TrialPageVersions = written.Versions };
            await state.WriteStateAsync();
            await Pages.CommitAsync(written);
        }
        catch (Exception e)
        {
            (current, state.State) = (previous, previouslyStored);
            // Another writer changed the stored state (its etag moved on): only a fresh activation, reading it, can go on.
            if (e is InconsistentStateException) DeactivateOnIdle();
            throw;
        }
        finally
        {
            writing.Release();
        }
    }
}
