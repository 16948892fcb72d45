using Orleans.Configuration;

namespace EmbedSweeps.Client;

/// <summary>The Orleans client wiring the CLI, the web and the silo's own tools share.</summary>
public static class ClientConfiguration
{
    /// <summary>A client of a running cluster: finds its gateways in the membership table.</summary>
    public static IClientBuilder AddEmbedSweepsClient(this IClientBuilder client, EmbedSweepsClusterOptions options)
    {
        client.Configure<ClusterOptions>(o => { o.ServiceId = options.ServiceId; o.ClusterId = options.ClusterId; });
        client.UseAzureStorageClustering(o => { o.TableServiceClient = options.Tables(); o.TableName = options.MembershipTable; });
        if (options.Tls is { } tls) client.UseTls(tls.Certificate, tls.Configure);
        return client;
    }
}
