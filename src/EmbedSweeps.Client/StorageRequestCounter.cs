using Azure.Core;
using Azure.Core.Pipeline;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Client;

/// <summary>Counts every request this process sends to the storage account, and the bytes of their bodies (<see cref="ClusterMetrics"/>).</summary>
internal sealed class StorageRequestCounter(string service) : HttpPipelineSynchronousPolicy
{
    public static readonly StorageRequestCounter Tables = new("table");
    public static readonly StorageRequestCounter Blobs = new("blob");

    public override void OnSendingRequest(HttpMessage message)
    {
        var tag = new KeyValuePair<string, object?>("service", service);
        ClusterMetrics.StorageRequests.Add(1, tag);
        if (message.Request.Content?.TryComputeLength(out var length) == true && length > 0) ClusterMetrics.StorageBytesSent.Add(length, tag);
    }
}
