using EmbedSweeps.Abstractions;
using EmbedSweeps.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace EmbedSweeps.Grains.Tests;

/// <summary>A cluster with no trainer silo accepts a sweep and keeps its trials waiting (Pending), neither failing them nor the schedule.</summary>
public sealed class NoTrainerTests
{
    private sealed class WebOnlyRunner : ITrialRunner
    {
        public string SiloName => "web-only";
        public int Slots => 0;
        public int Busy => 0;
        public Task StartAsync(TrialLaunch launch) => throw new InvalidOperationException("a web silo runs no trials");
        public Task StopAsync(string key, int attempt) => Task.CompletedTask;
        public Task RemoveModelAsync(string sweep, string trialId) => Task.CompletedTask;
        public bool IsRunning(string key, int attempt) => false;
        public Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(timeout, cancellationToken);
    }

    private sealed class WebSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .AddMemoryGrainStorage(StorageNames.Trials).AddMemoryGrainStorage(StorageNames.Experiments).AddMemoryGrainStorage(StorageNames.Registry)
            .UseInMemoryReminderService()
            .AddTrainerPlacement(["web"], 0)
            .ConfigureServices(services => services.AddSingleton<ITrialRunner, WebOnlyRunner>());
    }

    [Fact]
    public async Task TrialsWaitPendingUntilATrainerJoins()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<WebSilo>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var yaml = """
            name: waiting
            objective: { metric: stsb_validation_spearman_cosine }
            parameters: { base_model: m, loss: [cosine, cosent] }
            data: { train: stsb }
            """;

        var submitted = await cluster.GrainFactory.GetGrain<IExperimentGrain>("waiting").SubmitAsync(yaml, "waiting.yaml");
        await Task.Delay(500);
        var snapshot = await cluster.GrainFactory.GetGrain<IExperimentGrain>("waiting").GetAsync();

        Assert.Equal(ExperimentStatus.Running, snapshot.Status);
        Assert.Equal(submitted.Trials.Count, snapshot.Count(TrialStatus.Pending));
        foreach (var trial in snapshot.Trials)
            Assert.Equal(0, (await cluster.GrainFactory.GetGrain<ITrialGrain>($"waiting/{trial.TrialId}").GetAsync()).Attempt);
    }
}
