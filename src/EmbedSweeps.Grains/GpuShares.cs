namespace EmbedSweeps.Grains;

/// <summary>
/// Packs a trainer's trials onto its GPUs. A trial of a sweep with <c>resources.trials_per_gpu: k</c> takes
/// 1/k of one GPU; a GPU holds trials whose shares sum to at most one, so k = 2 runs two such trials per GPU
/// and a k = 1 trial never shares. Each trial goes to the least-loaded GPU with room, and waits when none has.
/// </summary>
public sealed class GpuShares(IReadOnlyList<string> devices)
{
    // Shares are sums of 1/k for k ≤ 64: a little slack absorbs rounding (e.g. 3 × 1/3).
    private const double Slack = 1e-9;
    private readonly double[] load = new double[devices.Count];
    private readonly Lock gate = new();
    private TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The GPUs this silo trains on (CUDA device ids); empty on a CPU-only silo.</summary>
    public IReadOnlyList<string> Devices => devices;

    /// <summary>Waits for a GPU with room for 1/<paramref name="trialsPerGpu"/> of it and takes that share.</summary>
    public async Task<GpuLease> LeaseAsync(int trialsPerGpu, CancellationToken cancellationToken)
    {
        if (devices.Count == 0) throw new InvalidOperationException("this silo has no GPUs to lease");
        var share = 1.0 / Math.Max(1, trialsPerGpu);
        while (true)
        {
            Task freed;
            lock (gate)
            {
                var best = -1;
                for (var gpu = 0; gpu < load.Length; gpu++)
                    if (load[gpu] + share <= 1 + Slack && (best < 0 || load[gpu] < load[best])) best = gpu;
                if (best >= 0)
                {
                    load[best] += share;
                    return new GpuLease(this, best, share);
                }
                freed = released.Task;
            }
            await freed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>How much of each GPU is taken (0 to 1), in device order.</summary>
    public IReadOnlyList<double> Load()
    {
        lock (gate) return [.. load];
    }

    internal void Release(int gpu, double share)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            load[gpu] = Math.Max(0, load[gpu] - share);
            if (load[gpu] < Slack) load[gpu] = 0;
            wake = released;
            released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.SetResult();
    }
}

/// <summary>A trial's share of one GPU, given back on dispose.</summary>
public sealed class GpuLease(GpuShares shares, int index, double share) : IDisposable
{
    private int disposed;

    /// <summary>The CUDA device id the worker sees as its only GPU (CUDA_VISIBLE_DEVICES).</summary>
    public string Device => shares.Devices[index];

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) shares.Release(index, share);
    }
}
