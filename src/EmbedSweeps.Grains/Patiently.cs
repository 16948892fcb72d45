using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

/// <summary>
/// Calls into the cluster from a trial runner, retrying through a storage or silo outage (backing off to
/// 30 s, for up to <see cref="Patience"/>): a worker's progress and result wait instead of being dropped.
/// The grains make this safe — a repeated report replaces its points, a repeated result is a no-op.
/// </summary>
internal static class Patiently
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public static async Task<T> CallAsync<T>(Func<Task<T>> call, ILogger logger, string what)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not (ArgumentException or InvalidOperationException or NoTrainerException) && clock.Elapsed < Patience)
            {
                if (attempt == 1 || attempt % 10 == 0) logger.LogWarning("{What} failed ({Message}); retrying for up to {Patience}", what, e.Message.Split('\n')[0], Patience);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 30_000));
            }
        }
    }

    public static Task CallAsync(Func<Task> call, ILogger logger, string what) =>
        CallAsync(async () => { await call(); return true; }, logger, what);
}
