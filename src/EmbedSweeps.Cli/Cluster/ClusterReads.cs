using EmbedSweeps.Abstractions;
using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>
/// Reads from the cluster that ride out a silo's death: until the cluster has voted a killed silo dead
/// (seconds), calls to grains it hosted fail; a read is safe to repeat, so it is (<see cref="RetryPolicy.ClusterReads"/>:
/// every second, for up to a minute), and then fails with a message instead of a stack trace.
/// </summary>
internal static class ClusterReads
{
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        var policy = RetryPolicy.ClusterReads;
        // A call to a dead silo can itself take a while to fail: the minute bounds the whole read, not only the waits.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            return await policy.Pipeline(e => e is OrleansException && clock.Elapsed < policy.Patience)
                .ExecuteAsync(async _ => await read(), cancellationToken);
        }
        catch (OrleansException e)
        {
            throw new EmbedSweepsException($"the cluster did not answer for {policy.Patience.TotalSeconds:F0} s ({e.Message.Split('\n')[0]}); are its silos running?");
        }
    }
}
