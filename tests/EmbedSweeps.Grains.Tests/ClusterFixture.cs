using EmbedSweeps.Grains.Placement;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// One in-process Orleans test cluster shared by the grain tests, on the real storage wiring: Azure
/// Blob/Table grain storage and Table reminders in Azurite, under a prefix of its own.
/// </summary>
public sealed class ClusterFixture : IDisposable
{
    private readonly AzuriteFixture azurite = new();

    public ClusterFixture()
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties["Storage:ConnectionString"] = azurite.ConnectionString;
        builder.Properties["Storage:Prefix"] = "g" + Guid.NewGuid().ToString("N")[..10];
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        Cluster.Deploy();
    }

    public TestCluster Cluster { get; }

    public void Dispose()
    {
        Cluster.StopAllSilos();
        azurite.Dispose();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .AddEmbedSweepsStorage(new EmbedSweepsClusterOptions
            {
                ConnectionString = silo.Configuration["Storage:ConnectionString"]!, StoragePrefix = silo.Configuration["Storage:Prefix"]!,
            })
            .AddTrainerPlacement(["trainer", "web"], 4)
            .ConfigureServices(services => services.AddSingleton<ITrialRunner, ScriptedTrialRunner>());
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
