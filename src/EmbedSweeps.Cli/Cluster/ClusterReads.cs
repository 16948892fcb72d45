using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>
/// Reads from the cluster that ride out a silo's death: until the cluster has voted a killed silo dead
/// (seconds), calls to grains it hosted fail; a read is safe to repeat, so it is, for up to a minute,
/// and then fails with a message instead of a stack trace.
/// </summary>
internal static class ClusterReads
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await read();
            }
            catch (OrleansException) when (clock.Elapsed < Patience)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OrleansException e)
            {
                throw new EmbedSweepsException($"the cluster did not answer for {Patience.TotalSeconds:F0} s ({e.Message.Split('\n')[0]}); are its silos running?");
            }
        }
    }
}
