using Azure;
using Azure.Data.Tables;

namespace EmbedSweeps.Silo;

/// <summary>
/// Whether a cluster is running on this storage account: a silo row in the membership table that is
/// Active and was refreshed recently (silos write their heartbeat every <see cref="HeartbeatPeriod"/>; a
/// killed silo stays "Active" until others vote it dead, so the refresh time is what tells).
/// </summary>
public static class LiveCluster
{
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Fresh = HeartbeatPeriod * 3;

    public static async Task<bool> HasLiveSiloAsync(EmbedSweepsClusterOptions options, CancellationToken cancellationToken)
    {
        var table = options.Tables().GetTableClient(options.MembershipTable);
        var since = DateTimeOffset.UtcNow - Fresh;
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == options.ClusterId, cancellationToken: cancellationToken))
                if (row.GetString("Status") == "Active" && row.Timestamp > since) return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // no table yet: no silo has ever joined
        }
        return false;
    }
}
