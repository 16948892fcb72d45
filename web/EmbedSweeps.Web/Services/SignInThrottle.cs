namespace EmbedSweeps.Web.Services;

/// <summary>
/// Slows password guessing on the one administrator account, on top of the per-address and global rate limits of
/// POST /account/signin (<see cref="WebSetup.AddSignInRateLimits"/>): attempts are checked one at a time, each failure
/// costs <see cref="FailureDelay"/>, and after <see cref="FreeFailures"/> failures in a row the account is locked for
/// 30 s, doubling with each further failure up to an hour. A success resets the count. The lock holds for the right
/// password too: while locked, no guess is evaluated.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan FailureDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstLock = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestLock = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private readonly Lock gate = new();
    private int failures;
    private DateTimeOffset lockedUntil = DateTimeOffset.MinValue;

    /// <summary>How long the account stays locked; zero when it is not.</summary>
    public TimeSpan LockedFor()
    {
        lock (gate)
        {
            var left = lockedUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Consecutive failures so far.</summary>
    public int Failures
    {
        get { lock (gate) return failures; }
    }

    /// <summary>
    /// Checks one attempt with <paramref name="verify"/> unless the account is locked; attempts queue behind each other.
    /// Returns whether it succeeded, or how long the account is locked.
    /// </summary>
    public async Task<(bool Succeeded, TimeSpan Locked)> AttemptAsync(Func<bool> verify, CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (LockedFor() is { } locked && locked > TimeSpan.Zero) return (false, locked);
            if (verify())
            {
                lock (gate) (failures, lockedUntil) = (0, DateTimeOffset.MinValue);
                return (true, TimeSpan.Zero);
            }
            lock (gate)
            {
                failures++;
                if (failures >= FreeFailures)
                {
                    var length = TimeSpan.FromTicks(Math.Min(LongestLock.Ticks, FirstLock.Ticks * (1L << Math.Min(failures - FreeFailures, 20))));
                    lockedUntil = time.GetUtcNow() + length;
                }
            }
            await Task.Delay(FailureDelay, time, cancellationToken);
            return (false, LockedFor());
        }
        finally
        {
            oneAtATime.Release();
        }
    }
}
