using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings;

/// <summary>
/// Runs independent inference batches side by side on the CPU: instead of one batch at a time with every thread
/// inside each operation (libtorch's intra-op parallelism), W worker threads each run whole batches with
/// threads/W intra-op threads. Small encoder GEMMs ([32·L, 384] × [384, 1536]) and the many small operations
/// between them scale poorly across threads; whole batches side by side do not share anything. On 2 cores this took
/// <c>bench/compare_encode.sh</c> (STS-B validation, all-MiniLM-L6-v2) from 1.07–1.24× to 1.58× of PyTorch. Results
/// equal the sequential path's within float rounding (a GEMM's summation order depends on its thread count), and are
/// the same run after run.
/// </summary>
/// <remarks>
/// A libtorch thread count belongs to a thread (OpenMP's and MKL's settings), but setting one also changes the
/// process-wide default that threads new to libtorch start from; that default is put back as soon as every worker
/// has its own count, microseconds later. Workers are dedicated threads, not pool threads, so their count dies with
/// them. Gradients are off in every worker (grad mode is per thread in libtorch).
/// </remarks>
internal static class ParallelBatches
{
    /// <summary>More workers than this would multiply activation memory for little gain; the rest go intra-op.</summary>
    private const int MaxWorkers = 4;

    /// <summary>
    /// Calls <paramref name="runBatch"/>(i) once for every i in [0, <paramref name="count"/>), with gradients off:
    /// side by side on a multi-threaded CPU, else in order on the calling thread. <paramref name="runBatch"/> must
    /// be safe to call from several threads for different i. The first exception is rethrown after all workers stop.
    /// </summary>
    public static void Run(int count, Device device, Action<int> runBatch)
    {
        var threads = get_num_threads();
        var workers = Math.Min(Math.Min(threads, count), MaxWorkers);
        if (device.type != TorchSharp.DeviceType.CPU || workers < 2)
        {
            using var _ = no_grad();
            for (var i = 0; i < count; i++) runBatch(i);
            return;
        }

        var next = -1;
        ExceptionDispatchInfo? failure = null;
        var perWorker = Math.Max(1, threads / workers);
        using var configured = new CountdownEvent(workers);
        var started = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            try
            {
                try
                {
                    // libtorch sets a thread's count lazily from the process-wide default at its first parallel
                    // operation: trigger that first, then set this thread's own count.
                    get_num_threads();
                    set_num_threads(perWorker);
                }
                finally
                {
                    configured.Signal();
                }
                using var noGrad = no_grad();
                for (var i = Interlocked.Increment(ref next); i < count && Volatile.Read(ref failure) is null; i = Interlocked.Increment(ref next))
                    runBatch(i);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(exception), null);
            }
        }) { IsBackground = true, Name = "encode batch worker" }).ToList();
        try
        {
            foreach (var thread in started) thread.Start();
            configured.Wait();
        }
        finally
        {
            // set_num_threads also changed the process-wide default; put it back as soon as every worker has its own.
            set_num_threads(threads);
            foreach (var thread in started.Where(t => (t.ThreadState & ThreadState.Unstarted) == 0)) thread.Join();
        }
        failure?.Throw();
    }
}
