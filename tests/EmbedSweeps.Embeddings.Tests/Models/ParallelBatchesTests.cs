using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.Models;

public sealed class ParallelBatchesTests
{
    private static readonly List<string> Texts = ReferenceCases.All.Select(c => c.Text).ToList();

    [Fact]
    public void BatchesSideBySideGiveTheRowsOfOneBatch()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);

        var whole = encoder.Encode(Texts, batchSize: Texts.Count); // one batch: no workers
        var sideBySide = encoder.Encode(Texts, batchSize: 2);

        Assert.True(whole.Zip(sideBySide, (a, b) => Math.Abs(a - b)).Max() < 1e-5);
    }

    [Fact]
    public void SideBySideIsTheSameRunAfterRun()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);

        Assert.Equal(encoder.Encode(Texts, batchSize: 2), encoder.Encode(Texts, batchSize: 2));
    }

    [Fact]
    public void EveryBatchRunsOnceWithGradientsOffAndItsShareOfTheThreads()
    {
        var threads = get_num_threads();
        var seen = new ConcurrentBag<(int Batch, bool Grad, int Threads)>();

        ParallelBatches.Run(40, CPU, i => seen.Add((i, is_grad_enabled(), get_num_threads())));

        Assert.Equal(Enumerable.Range(0, 40), seen.Select(s => s.Batch).Order());
        Assert.DoesNotContain(seen, s => s.Grad);
        var expected = threads < 2 ? threads : Math.Max(1, threads / Math.Min(threads, 4));
        Assert.All(seen, s => Assert.Equal(expected, s.Threads));
    }

    [Fact]
    public void ThreadsNewToLibtorchAfterwardsStartWithTheProcessCount()
    {
        var threads = get_num_threads();
        ParallelBatches.Run(8, CPU, _ => { });

        var later = 0;
        var thread = new Thread(() => later = get_num_threads());
        thread.Start();
        thread.Join();

        Assert.Equal(threads, later);
        Assert.Equal(threads, get_num_threads());
    }

    [Fact]
    public void AFailingBatchIsRethrownAfterTheWorkersStop()
    {
        var ran = 0;
        var error = Assert.Throws<InvalidOperationException>(() => ParallelBatches.Run(1000, CPU, i =>
        {
            Interlocked.Increment(ref ran);
            if (i == 3) throw new InvalidOperationException("batch 3 failed");
        }));

        Assert.Equal("batch 3 failed", error.Message);
        Assert.True(Volatile.Read(ref ran) < 1000, "workers stop taking batches after a failure");
    }
}
