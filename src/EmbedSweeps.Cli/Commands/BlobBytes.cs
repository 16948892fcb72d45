using System.Diagnostics.Metrics;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The bytes this process has sent to blob storage (request bodies), from <see cref="ClusterMetrics.StorageBytesSent"/>.</summary>
internal sealed class BlobBytes : IDisposable
{
    private readonly MeterListener listener = new();
    private long sent;

    public BlobBytes()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClusterMetrics.MeterName && instrument.Name == ClusterMetrics.StorageBytesSent.Name) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag is { Key: "service", Value: "blob" }) Interlocked.Add(ref sent, value);
        });
        listener.Start();
    }

    public long Sent => Interlocked.Read(ref sent);

    public void Dispose() => listener.Dispose();
}
