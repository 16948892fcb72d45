using Azure.Core;
using Azure.Core.Pipeline;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Client;

/// <summary>Counts every request this process sends to the storage account (<see cref="ClusterMetrics.StorageRequests"/>).</summary>
internal sealed class StorageRequestCounter(string service) : HttpPipelineSynchronousPolicy
{
    public static readonly StorageRequestCounter Tables = new("table");
    public static readonly StorageRequestCounter Blobs = new("blob");

    public override void OnSendingRequest(HttpMessage message) =>
        ClusterMetrics.StorageRequests.Add(1, new KeyValuePair<string, object?>("service", service));
}
