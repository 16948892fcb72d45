using Microsoft.Extensions.DependencyInjection;
using EmbedSweeps.Grains.Placement;
using Orleans.TestingHost;

namespace EmbedSweeps.Grains.Tests;

/// <summary>One in-process Orleans test cluster (memory storage and reminders) shared by the grain tests.</summary>
public sealed class ClusterFixture : IDisposable
{
    public ClusterFixture()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        Cluster.Deploy();
    }

    public TestCluster Cluster { get; }

    public void Dispose() => Cluster.StopAllSilos();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .AddMemoryGrainStorage(StorageNames.Trials)
            .AddMemoryGrainStorage(StorageNames.Experiments)
            .AddMemoryGrainStorage(StorageNames.Registry)
            .UseInMemoryReminderService()
            .AddTrainerPlacement(["trainer", "web"], 4)
            .ConfigureServices(services => services.AddSingleton<ITrialRunner, ScriptedTrialRunner>());
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
