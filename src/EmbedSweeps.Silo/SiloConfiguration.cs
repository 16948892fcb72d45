using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using EmbedSweeps.Client;
using EmbedSweeps.Grains;
using EmbedSweeps.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace EmbedSweeps.Silo;

/// <summary>The silo's wiring, in one place: clustering, storage, reminders, roles and the trial runner.</summary>
public static class SiloConfiguration
{
    public static ISiloBuilder AddEmbedSweepsSilo(this ISiloBuilder silo, EmbedSweepsClusterOptions options, TrialRunnerOptions runner)
    {
        silo.Configure<ClusterOptions>(o => { o.ServiceId = options.ServiceId; o.ClusterId = options.ClusterId; });

        // Every silo joins through the membership table, so a command's embedded silo and long-lived silos
        // form one cluster (never two clusters activating the same grains on the same storage).
        silo.UseAzureStorageClustering(o => { o.TableServiceClient = options.Tables(); o.TableName = options.MembershipTable; });
        // Loopback unless a long-lived silo is told to listen elsewhere (ListenAddress): the gateway has no authentication.
        var listen = options.Embedded ? IPAddress.Loopback : options.ListenAddress;
        var advertised = options.Embedded ? IPAddress.Loopback : options.Advertised;
        // Silo-to-silo and gateway connections, in and out, over mutual TLS when the cluster has certificates.
        if (options.Tls is { } tls) silo.UseTls(tls.Certificate, tls.Configure);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(listen, options.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(listen, options.GatewayPort);
        });

        // A silo killed a moment ago is still listed Active, and a joining silo waits to reach every Active
        // silo whose heartbeat is fresh. Heartbeats every 10 s (not 30) make a dead entry stale within ~20 s,
        // so a restarted cluster starts in seconds rather than a minute.
        silo.Configure<ClusterMembershipOptions>(o => o.IAmAliveTablePublishTimeout = LiveCluster.HeartbeatPeriod);
        silo.AddEmbedSweepsStorage(options);
        silo.Configure<SweepSchedulingOptions>(o => o.ReminderPeriod = options.ReminderPeriod);
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(Math.Min(60, options.ReminderPeriod.TotalSeconds)));

        var slots = options.Roles.Contains(SiloRoles.Trainer) ? runner.Slots : 0;
        silo.AddTrainerPlacement(options.Roles, slots);
        silo.ConfigureServices(services =>
        {
            services.AddSingleton(runner with { Slots = slots });
            services.AddSingleton<ITrialRunner, ProcessTrialRunner>();
            services.AddSingleton<IArtifactStore>(BlobArtifactStore.For(options));
        });
        return silo;
    }

    /// <summary>Grain state and reminders on the deployment's storage account (also used alone by the grain tests).</summary>
    public static ISiloBuilder AddEmbedSweepsStorage(this ISiloBuilder silo, EmbedSweepsClusterOptions options)
    {
        var prefix = options.StoragePrefix;
        // Small state in tables; trial timelines and experiment trial lists in blobs (they grow).
        silo.AddAzureBlobGrainStorage(StorageNames.Trials, o => { o.BlobServiceClient = options.Blobs(); o.ContainerName = prefix + "-trials"; });
        // Replaced pages of trials (ExperimentTrialPages) are deleted, not left as empty blobs.
        silo.AddAzureBlobGrainStorage(StorageNames.Experiments, o => { o.BlobServiceClient = options.Blobs(); o.ContainerName = prefix + "-experiments"; o.DeleteStateOnClear = true; });
        silo.AddAzureTableGrainStorage(StorageNames.Registry, o => { o.TableServiceClient = options.Tables(); o.TableName = prefix + "Registry"; });
        silo.UseAzureTableReminderService(o => { o.TableServiceClient = options.Tables(); o.TableName = prefix + "Reminders"; });
        return silo;
    }
}
