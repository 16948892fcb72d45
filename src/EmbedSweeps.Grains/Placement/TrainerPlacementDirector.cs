using EmbedSweeps.Abstractions;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace EmbedSweeps.Grains.Placement;

/// <summary>
/// Picks the silo for a trial grain: only silos whose metadata has the trainer role, and among them
/// the one with the most free slots on the load board (ties broken at random). The board is read at
/// most once a second; placements made here since the last read count as busy, so a burst of starts
/// spreads over the silos instead of piling onto the one that looked idle.
/// </summary>
internal sealed class TrainerPlacementDirector(ISiloMetadataCache metadata, IGrainFactory grains) : IPlacementDirector
{
    private static readonly TimeSpan BoardAge = TimeSpan.FromSeconds(1);
    private readonly Lock gate = new();
    private IReadOnlyDictionary<string, TrainerLoad> board = new Dictionary<string, TrainerLoad>();
    private readonly Dictionary<string, int> placedSinceRead = new(StringComparer.Ordinal);
    private DateTimeOffset readAt = DateTimeOffset.MinValue;

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var trainers = compatible.Where(s => SiloRoles.IsTrainer(metadata.GetSiloMetadata(s).Metadata)).ToArray();
        // With no trainer in the cluster the trial still needs a home for its state; it waits there (Pending)
        // and moves to a trainer when it next starts, since a start on a silo without slots deactivates it.
        if (trainers.Length == 0) return compatible[Random.Shared.Next(compatible.Length)];
        if (trainers.Length == 1) return trainers[0];

        await RefreshAsync();
        lock (gate)
        {
            var best = trainers.Select(s => (Silo: s, Free: Free(s)))
                .GroupBy(s => s.Free).MaxBy(g => g.Key)!.ToArray();
            var chosen = best[Random.Shared.Next(best.Length)].Silo;
            var key = chosen.ToParsableString();
            placedSinceRead[key] = placedSinceRead.GetValueOrDefault(key) + 1;
            return chosen;
        }
    }

    private int Free(SiloAddress silo)
    {
        var key = silo.ToParsableString();
        var slots = board.TryGetValue(key, out var load) ? load.Free
            : int.TryParse(metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(SiloRoles.SlotsKey), out var configured) ? configured : 1;
        return slots - placedSinceRead.GetValueOrDefault(key);
    }

    private async Task RefreshAsync()
    {
        lock (gate)
        {
            if (DateTimeOffset.UtcNow - readAt < BoardAge) return;
            readAt = DateTimeOffset.UtcNow;
        }
        var fresh = await grains.GetGrain<ITrainerLoadGrain>("default").GetAsync();
        lock (gate)
        {
            board = fresh;
            placedSinceRead.Clear();
        }
    }
}
