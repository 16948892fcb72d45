using Polly;
using Polly.Retry;

namespace EmbedSweeps.Abstractions;

/// <summary>
/// One retry EmbedSweeps makes around the cluster, named, with its settings; every such retry is one of the policies below
/// and runs as a Polly retry strategy. A policy retries only what its caller calls transient; anything else, and the last
/// failure, reaches the caller. (The hub downloader in Embeddings, which may not reference Orleans or this project, keeps
/// its own: three attempts, each resuming the partial download.)
/// </summary>
/// <param name="Retries">Calls after the first.</param>
/// <param name="FirstWait">The wait before the first retry.</param>
/// <param name="LongestWait">No wait is longer (exponential waits double up to it).</param>
public sealed record RetryPolicy(string Name, int Retries, TimeSpan FirstWait, TimeSpan LongestWait, DelayBackoffType Backoff)
{
    /// <summary>
    /// A trial runner relaying its worker's progress and result to the grains, through a storage or silo outage: 25 retries,
    /// waits doubling from 0.5 s to 30 s, about 10 minutes in all. Safe because the grains make a repeated report replace
    /// its points and a repeated result a no-op.
    /// </summary>
    public static readonly RetryPolicy WorkerReports = new("worker reports", 25, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), DelayBackoffType.Exponential);

    /// <summary>
    /// A trained model's upload to the artifact store: 6 retries after 1, 2, 4, 8, 16 and 30 s (about a minute, a short
    /// storage outage); then the model stays on its trainer only and the trial still succeeds.
    /// </summary>
    public static readonly RetryPolicy ModelUpload = new("model upload", 6, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), DelayBackoffType.Exponential);

    /// <summary>A command's read of the cluster while a killed silo is being voted dead (seconds): every second, for a minute.</summary>
    public static readonly RetryPolicy ClusterReads = new("cluster reads", 60, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), DelayBackoffType.Constant);

    /// <summary>The waits before each retry, in order (what the strategy waits, jitter aside: it has none).</summary>
    public IReadOnlyList<TimeSpan> Waits => [.. Enumerable.Range(0, Retries).Select(retry => Backoff == DelayBackoffType.Exponential
        ? TimeSpan.FromTicks((long)Math.Min(LongestWait.Ticks, FirstWait.Ticks * Math.Pow(2, retry)))
        : FirstWait)];

    /// <summary>Every wait added up: how long the policy rides out a failure, the calls themselves aside.</summary>
    public TimeSpan Patience => Waits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait);

    /// <summary>
    /// This policy as a Polly pipeline: it retries the exceptions <paramref name="transient"/> accepts, telling
    /// <paramref name="onRetry"/> (exception, retry number from 1, wait) before each wait.
    /// </summary>
    public ResiliencePipeline Pipeline(Func<Exception, bool> transient, Action<Exception, int, TimeSpan>? onRetry = null, TimeProvider? time = null) =>
        new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                Name = Name, MaxRetryAttempts = Retries, Delay = FirstWait, MaxDelay = LongestWait, BackoffType = Backoff, UseJitter = false,
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is { } e && transient(e)),
                OnRetry = arguments =>
                {
                    onRetry?.Invoke(arguments.Outcome.Exception!, arguments.AttemptNumber + 1, arguments.RetryDelay);
                    return default;
                },
            })
            .Build();
}
