namespace EmbedSweeps.Abstractions;

/// <summary>How busy one trainer silo is: its trial slots and how many of them run a worker now.</summary>
[GenerateSerializer, Immutable, Alias("EmbedSweeps.TrainerLoad")]
public sealed record TrainerLoad([property: Id(0)] int Slots, [property: Id(1)] int Busy, [property: Id(2)] DateTimeOffset At)
{
    public int Free => Math.Max(Slots - Busy, 0);
}

/// <summary>
/// The cluster's board of trainer slots (key: "default"): each trainer silo publishes its load; the
/// trial placement reads it to prefer a silo with a free slot. Kept in memory — it is rebuilt within
/// seconds by the publishers after a restart.
/// </summary>
[Alias("EmbedSweeps.ITrainerLoadGrain")]
public interface ITrainerLoadGrain : IGrainWithStringKey
{
    [Alias("PublishLoad"), Orleans.Concurrency.OneWay] Task PublishAsync(string silo, TrainerLoad load);
    [Alias("GetLoads"), Orleans.Concurrency.ReadOnly] Task<IReadOnlyDictionary<string, TrainerLoad>> GetAsync();
}

/// <summary>A trial could not start because no silo in the cluster has the trainer role.</summary>
public sealed class NoTrainerException(string message) : Exception(message);
