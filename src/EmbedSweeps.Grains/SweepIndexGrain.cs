using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

[GenerateSerializer, Alias("EmbedSweeps.SweepIndexState")]
public sealed record SweepIndexState
{
    [Id(0)] public SortedSet<string> Names { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>Every sweep ever submitted, by name: what <c>sweep list</c> and the web's experiments page enumerate.</summary>
public sealed class SweepIndexGrain(
    [PersistentState("sweeps", StorageNames.Registry)] IPersistentState<SweepIndexState> state) : Grain, ISweepIndexGrain
{
    public async Task AddAsync(string name)
    {
        if (state.State.Names.Add(name)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Names.ToList());
}
