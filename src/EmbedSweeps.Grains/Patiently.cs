using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

/// <summary>
/// Calls into the cluster from a trial runner under <see cref="RetryPolicy.WorkerReports"/>: through a storage or silo
/// outage of up to about 10 minutes a worker's progress and result wait instead of being dropped. Refusals (bad input,
/// no trainer) are not retried. The grains make this safe — a repeated report replaces its points, a repeated result is a no-op.
/// </summary>
internal static class Patiently
{
    public static TimeSpan Patience => RetryPolicy.WorkerReports.Patience;

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, ILogger logger, string what)
    {
        // A call into a silo that is down can itself take a while to fail: the patience bounds the whole call, not only the waits.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pipeline = RetryPolicy.WorkerReports.Pipeline(
            e => e is not (ArgumentException or InvalidOperationException or NoTrainerException or OutOfMemoryException) && clock.Elapsed < Patience,
            (e, retry, _) =>
            {
                if (retry == 1 || retry % 10 == 0)
                    logger.LogWarning("{What} failed ({Message}); retrying for up to {Patience}", what, e.Message.Split('\n')[0], Patience);
            });
        return await pipeline.ExecuteAsync(async _ => await call());
    }

    public static Task CallAsync(Func<Task> call, ILogger logger, string what) =>
        CallAsync(async () => { await call(); return true; }, logger, what);
}
