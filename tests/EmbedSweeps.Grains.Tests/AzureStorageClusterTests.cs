using EmbedSweeps.Abstractions;
using EmbedSweeps.Grains.Placement;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace EmbedSweeps.Grains.Tests;

/// <summary>
/// The grains on the real storage wiring (Azure Blob/Table grain storage and Table reminders, in
/// Azurite; one prefix per test): state written by one cluster is read back by the next, and a sweep
/// interrupted by a whole-cluster restart carries on by its reminder, without being resubmitted.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class AzureStorageClusterTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Reminder = TimeSpan.FromSeconds(3);

    private TestCluster Deploy(string prefix)
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties["Storage:ConnectionString"] = azurite.ConnectionString;
        builder.Properties["Storage:Prefix"] = prefix;
        // Reminders are stored per service: a restarted deployment keeps its service id (the test cluster would pick a new one).
        builder.Options.ServiceId = prefix;
        builder.AddSiloBuilderConfigurator<AzureSilo>();
        var cluster = builder.Build();
        cluster.Deploy();
        return cluster;
    }

    private sealed class AzureSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var options = new EmbedSweepsClusterOptions { ConnectionString = silo.Configuration["Storage:ConnectionString"]!, StoragePrefix = silo.Configuration["Storage:Prefix"]! };
            silo.AddEmbedSweepsStorage(options)
                .AddTrainerPlacement(["trainer", "web"], 4)
                .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
                .Configure<SweepSchedulingOptions>(o => o.ReminderPeriod = Reminder)
                .ConfigureServices(services => services.AddSingleton<ITrialRunner, ScriptedTrialRunner>());
        }
    }

    [Fact]
    public async Task ASweepCarriesOnAfterTheWholeClusterRestarts()
    {
        var prefix = "g" + Guid.NewGuid().ToString("N")[..10];
        ScriptedTrialRunner.StepDelay = TimeSpan.FromMilliseconds(700);
        Dictionary<string, int> attemptsBefore;
        try
        {
            var first = Deploy(prefix);
            var experiment = first.GrainFactory.GetGrain<IExperimentGrain>("restart");
            await experiment.SubmitAsync(ExperimentGrainTests.Sweep("restart", limits: "{ max_trials: 4, max_concurrent_trials: 2 }"), "restart.yaml");
            ExperimentSnapshot snapshot;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await Task.Delay(100);
                snapshot = await experiment.GetAsync();
            } while (snapshot.Count(TrialStatus.Succeeded) < 1 && waited.Elapsed < TimeSpan.FromSeconds(60));
            Assert.True(snapshot.Count(TrialStatus.Succeeded) >= 1, "no trial succeeded within a minute");
            Assert.Equal(ExperimentStatus.Running, snapshot.Status);
            attemptsBefore = snapshot.Trials.ToDictionary(t => t.TrialId, t => (int)t.Status);
            await first.StopAllSilosAsync();
            await first.DisposeAsync();

            // A new cluster on the same storage; nobody submits or ticks anything.
            await using var second = Deploy(prefix);
            var again = second.GrainFactory.GetGrain<IExperimentGrain>("restart");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await Task.Delay(250);
                snapshot = await again.GetAsync();
            } while (snapshot.Status == ExperimentStatus.Running && clock.Elapsed < TimeSpan.FromSeconds(60));

            Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
            Assert.Equal(5, snapshot.Trials.Count);
            foreach (var trial in snapshot.Trials)
            {
                var state = await second.GrainFactory.GetGrain<ITrialGrain>($"restart/{trial.TrialId}").GetAsync();
                Assert.Equal(TrialStatus.Succeeded, state.Status);
                // A trial that had finished before the restart was not run again; an interrupted one ran once more.
                if (attemptsBefore[trial.TrialId] == (int)TrialStatus.Succeeded) Assert.Equal(1, state.Attempt);
                // The replayed steps of a retried attempt replace their earlier points: each step once.
                Assert.Equal([100, 200, 300], state.Timeline.Select(p => p.Step).Order());
            }
        }
        finally
        {
            ScriptedTrialRunner.StepDelay = TimeSpan.FromMilliseconds(50);
        }
    }
}
