using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

/// <summary>The in-memory board of trainer loads; entries not refreshed for 30 s (a dead silo) drop out.</summary>
public sealed class TrainerLoadGrain : Grain, ITrainerLoadGrain
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, TrainerLoad> loads = new(StringComparer.Ordinal);

    public Task PublishAsync(string silo, TrainerLoad load)
    {
        loads[silo] = load;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, TrainerLoad>> GetAsync()
    {
        var fresh = DateTimeOffset.UtcNow - Expiry;
        foreach (var stale in loads.Where(l => l.Value.At < fresh).Select(l => l.Key).ToList()) loads.Remove(stale);
        return Task.FromResult<IReadOnlyDictionary<string, TrainerLoad>>(new Dictionary<string, TrainerLoad>(loads));
    }
}
