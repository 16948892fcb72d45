using Azure.Data.Tables;
using Azure.Storage.Blobs;
using EmbedSweeps.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace EmbedSweeps.Silo;

/// <summary>The silo's wiring, in one place: clustering, storage, reminders, roles and the trial runner.</summary>
public static class SiloConfiguration
{
    public static ISiloBuilder AddEmbedSweepsSilo(this ISiloBuilder silo, EmbedSweepsClusterOptions options, TrialRunnerOptions runner)
    {
        var connection = options.ConnectionString;
        var prefix = options.StoragePrefix;
        silo.Configure<ClusterOptions>(o => { o.ServiceId = options.ServiceId; o.ClusterId = options.ClusterId; });

        // Development runs one silo on loopback; production silos find each other through the membership table.
        if (options.Embedded) silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
        else silo.UseAzureStorageClustering(o => { o.TableServiceClient = new TableServiceClient(connection); o.TableName = prefix + "Membership"; })
                 .ConfigureEndpoints(options.SiloPort, options.GatewayPort);

        // Small state in tables; trial timelines and experiment trial lists in blobs (they grow).
        silo.AddAzureBlobGrainStorage(StorageNames.Trials, o => { o.BlobServiceClient = new BlobServiceClient(connection); o.ContainerName = prefix + "-trials"; });
        silo.AddAzureBlobGrainStorage(StorageNames.Experiments, o => { o.BlobServiceClient = new BlobServiceClient(connection); o.ContainerName = prefix + "-experiments"; });
        silo.AddAzureTableGrainStorage(StorageNames.Registry, o => { o.TableServiceClient = new TableServiceClient(connection); o.TableName = prefix + "Registry"; });
        silo.UseAzureTableReminderService(o => { o.TableServiceClient = new TableServiceClient(connection); o.TableName = prefix + "Reminders"; });

        var slots = options.Roles.Contains("trainer") ? runner.Slots : 0;
        silo.ConfigureServices(services =>
        {
            services.AddSingleton(runner with { Slots = slots });
            services.AddSingleton<ITrialRunner, ProcessTrialRunner>();
        });
        return silo;
    }
}
