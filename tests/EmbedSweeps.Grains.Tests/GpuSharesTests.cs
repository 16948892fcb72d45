namespace EmbedSweeps.Grains.Tests;

/// <summary>Trials packed onto a trainer's GPUs by their sweep's <c>resources.trials_per_gpu</c>.</summary>
public sealed class GpuSharesTests
{
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task TwoPerGpuFillsBothGpusEvenlyThenWaitsForAShare()
    {
        var shares = new GpuShares(["0", "1"]);
        var leases = new List<GpuLease>();
        for (var i = 0; i < 4; i++) leases.Add(await shares.LeaseAsync(2, CancellationToken.None));
        Assert.Equal(["0", "1", "0", "1"], leases.Select(l => l.Device)); // least-loaded first: spread, then pack
        Assert.Equal([1.0, 1.0], shares.Load());

        var fifth = shares.LeaseAsync(2, CancellationToken.None);
        await Task.Delay(Moment);
        Assert.False(fifth.IsCompleted); // both GPUs are full
        leases[1].Dispose();
        Assert.Equal("1", (await fifth.WaitAsync(TimeSpan.FromSeconds(5))).Device); // takes the share given back
    }

    [Fact]
    public async Task AWholeGpuTrialNeverSharesAndWaitsForAnEmptyGpu()
    {
        var shares = new GpuShares(["0"]);
        var half = await shares.LeaseAsync(2, CancellationToken.None);
        var whole = shares.LeaseAsync(1, CancellationToken.None);
        await Task.Delay(Moment);
        Assert.False(whole.IsCompleted); // half a GPU is taken: a trials_per_gpu: 1 trial does not fit
        half.Dispose();
        using var lease = await whole.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([1.0], shares.Load());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public async Task ExactlyTrialsPerGpuFitOnOneGpu(int trialsPerGpu)
    {
        var shares = new GpuShares(["gpu-a"]);
        var leases = new List<GpuLease>();
        for (var i = 0; i < trialsPerGpu; i++) leases.Add(await shares.LeaseAsync(trialsPerGpu, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
        var oneMore = shares.LeaseAsync(trialsPerGpu, CancellationToken.None);
        await Task.Delay(Moment);
        Assert.False(oneMore.IsCompleted);
        foreach (var lease in leases) lease.Dispose();
        (await oneMore.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal([0.0], shares.Load()); // every share came back, to the last rounding error
    }

    [Fact]
    public async Task DisposingALeaseTwiceGivesItsShareBackOnce()
    {
        var shares = new GpuShares(["0"]);
        var first = await shares.LeaseAsync(2, CancellationToken.None);
        using var second = await shares.LeaseAsync(2, CancellationToken.None);
        first.Dispose();
        first.Dispose();
        Assert.Equal([0.5], shares.Load());
    }

    [Fact]
    public async Task AWaitingLeaseCanBeCancelled()
    {
        var shares = new GpuShares(["0"]);
        using var whole = await shares.LeaseAsync(1, CancellationToken.None);
        using var cancel = new CancellationTokenSource(Moment);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => shares.LeaseAsync(1, cancel.Token));
    }
}
