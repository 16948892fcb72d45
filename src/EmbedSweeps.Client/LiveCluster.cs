using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Data.Tables;

namespace EmbedSweeps.Client;

/// <summary>
/// Whether a cluster is running on this storage account: a silo row in the membership table that is
/// Active and was refreshed recently (silos write their heartbeat every <see cref="HeartbeatPeriod"/>; a
/// killed silo stays "Active" until others vote it dead, so the refresh time is what tells).
/// </summary>
public static class LiveCluster
{
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Fresh = HeartbeatPeriod * 3;

    public static async Task<bool> HasLiveSiloAsync(EmbedSweepsClusterOptions options, CancellationToken cancellationToken) =>
        (await LiveGatewaysAsync(options, cancellationToken)).Count > 0;

    /// <summary>The gateway endpoints of the silos listed as Active with a fresh heartbeat, most recently refreshed first.</summary>
    public static async Task<IReadOnlyList<IPEndPoint>> LiveGatewaysAsync(EmbedSweepsClusterOptions options, CancellationToken cancellationToken)
    {
        var table = options.Tables().GetTableClient(options.MembershipTable);
        var since = DateTimeOffset.UtcNow - Fresh;
        var live = new List<(IPEndPoint Gateway, DateTimeOffset Seen)>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == options.ClusterId, cancellationToken: cancellationToken))
                if (row.GetString("Status") == "Active" && row.Timestamp > since
                    && IPAddress.TryParse(Text(row, "Address"), out var address) && int.TryParse(Text(row, "ProxyPort"), out var gateway) && gateway > 0)
                    live.Add((new IPEndPoint(address, gateway), row.Timestamp!.Value));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // no table yet: no silo has ever joined
        }
        return live.OrderByDescending(l => l.Seen).Select(l => l.Gateway).ToList();
    }

    /// <summary>
    /// The silo and gateway ports of a silo on this machine's loopback that the membership table still lists as Active
    /// or Joining but that no longer listens (its command was killed), when both ports are free to take. A new silo that
    /// takes the same endpoint makes Orleans declare the old entry dead at once (<c>MembershipTableManager.CleanupMyTableEntries</c>
    /// marks older generations on one's own endpoint dead), instead of waiting up to half a minute for it to answer.
    /// </summary>
    public static async Task<(int SiloPort, int GatewayPort)?> DeadLoopbackEndpointAsync(EmbedSweepsClusterOptions options, CancellationToken cancellationToken)
    {
        var table = options.Tables().GetTableClient(options.MembershipTable);
        var candidates = new List<(int Silo, int Gateway, DateTimeOffset Seen)>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == options.ClusterId, cancellationToken: cancellationToken))
            {
                // Only this machine's own loopback silos: another machine sharing the storage may list a live 127.0.0.1 silo too.
                if (row.GetString("Status") is not ("Active" or "Joining") || Text(row, "Address") != IPAddress.Loopback.ToString()
                    || !string.Equals(Text(row, "HostName"), Dns.GetHostName(), StringComparison.OrdinalIgnoreCase)) continue;
                if (int.TryParse(Text(row, "Port"), out var silo) && int.TryParse(Text(row, "ProxyPort"), out var gateway) && gateway > 0)
                    candidates.Add((silo, gateway, row.Timestamp ?? DateTimeOffset.MinValue));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        foreach (var (silo, gateway, _) in candidates.OrderByDescending(c => c.Seen))
            if (!await ListensAsync(silo, cancellationToken) && CanBind(silo) && CanBind(gateway)) return (silo, gateway);
        return null;
    }

    private static string? Text(TableEntity row, string name) => row.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static async Task<bool> ListensAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
