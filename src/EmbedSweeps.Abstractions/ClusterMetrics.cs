using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EmbedSweeps.Abstractions;

/// <summary>
/// The cluster's own measurements, as .NET metrics (meter "EmbedSweeps"): readable by OpenTelemetry or
/// dotnet-counters in production, and by <c>bench cluster</c>.
/// </summary>
public static class ClusterMetrics
{
    public const string MeterName = "EmbedSweeps";
    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentQueue<long> FreedSlots = new();

    /// <summary>Seconds from a trainer slot becoming free to the next worker process running in it.</summary>
    public static readonly Histogram<double> SlotToWorker = Meter.CreateHistogram<double>("embedsweeps.trial.slot_to_worker", "s");

    /// <summary>Requests sent to the storage account (tables and blobs), tagged by service.</summary>
    public static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>("embedsweeps.storage.requests");

    /// <summary>Bytes of request bodies sent to the storage account (what writes cost), tagged by service.</summary>
    public static readonly Counter<long> StorageBytesSent = Meter.CreateCounter<long>("embedsweeps.storage.bytes_sent", "By");

    public static readonly Counter<long> WorkersStarted = Meter.CreateCounter<long>("embedsweeps.trial.workers_started");

    public static void SlotFreed() => FreedSlots.Enqueue(Stopwatch.GetTimestamp());

    /// <summary>Pairs a worker start with the oldest slot freed before it (starts into never-used slots are not timed).</summary>
    public static void WorkerStarted()
    {
        WorkersStarted.Add(1);
        if (FreedSlots.TryDequeue(out var freed)) SlotToWorker.Record(Stopwatch.GetElapsedTime(freed).TotalSeconds);
    }
}
