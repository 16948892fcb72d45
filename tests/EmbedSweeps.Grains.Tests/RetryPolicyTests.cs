using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EmbedSweeps.Grains.Tests;

/// <summary>The named retry policies run as Polly strategies: the waits they document, only what the caller calls transient.</summary>
public sealed class RetryPolicyTests
{
    // Runs a call that fails with `failure` on a fake clock that advances while the pipeline waits.
    private static async Task<(int Calls, List<TimeSpan> Waits, Exception? Error)> RunAsync(RetryPolicy policy, Func<Exception, bool> transient, Exception failure)
    {
        var time = new FakeTimeProvider();
        var waits = new List<TimeSpan>();
        var calls = 0;
        var run = policy.Pipeline(transient, (_, _, wait) => waits.Add(wait), time)
            .ExecuteAsync(_ => { calls++; throw failure; }).AsTask();
        for (var i = 0; i < 100_000 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
        }
        try { await run; return (calls, waits, null); }
        catch (Exception e) { return (calls, waits, e); }
    }

    [Fact]
    public async Task WorkerReportsWaitDoublingToThirtySecondsForAboutTenMinutesThenFail()
    {
        var outage = new TimeoutException("the silo did not answer");
        var (calls, waits, error) = await RunAsync(RetryPolicy.WorkerReports, e => e is TimeoutException, outage);

        Assert.Same(outage, error); // the last failure reaches the caller
        Assert.Equal(26, calls);
        Assert.Equal(RetryPolicy.WorkerReports.Waits, waits);
        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30], waits.Take(8).Select(w => w.TotalSeconds));
        Assert.InRange(RetryPolicy.WorkerReports.Patience.TotalMinutes, 9.9, 10.1);
    }

    [Fact]
    public async Task ARefusalIsNotRetried()
    {
        var refusal = new ArgumentException("nothing was stored");
        var (calls, waits, error) = await RunAsync(RetryPolicy.WorkerReports, e => e is not ArgumentException, refusal);
        Assert.Same(refusal, error);
        Assert.Equal(1, calls);
        Assert.Empty(waits);
    }

    [Fact]
    public void ClusterReadsWaitASecondForAMinuteAndModelUploadsAboutAMinute()
    {
        Assert.All(RetryPolicy.ClusterReads.Waits, w => Assert.Equal(TimeSpan.FromSeconds(1), w));
        Assert.Equal(TimeSpan.FromMinutes(1), RetryPolicy.ClusterReads.Patience);
        Assert.Equal([1, 2, 4, 8, 16, 30], RetryPolicy.ModelUpload.Waits.Select(w => w.TotalSeconds));
    }
}
