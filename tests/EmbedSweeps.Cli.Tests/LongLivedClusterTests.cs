using System.Diagnostics;
using System.Text.Json;

namespace EmbedSweeps.Cli.Tests;

/// <summary>Long-lived silos in their own processes: CLI commands become their clients, and trials run only on the trainer.</summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class LongLivedClusterTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly ClusterEnvironment environment;

    public LongLivedClusterTests(AzuriteFixture azurite) => environment = new ClusterEnvironment(azurite);

    public void Dispose() => environment.Dispose();

    [Fact]
    public void TrialsRunOnlyOnTheTrainerSiloAndTheCommandIsAClient()
    {
        using var web = new SiloProcess(environment, "web", slots: 0);
        using var trainer = new SiloProcess(environment, "trainer", slots: 2);
        var sweep = TinySweeps.Write(CliRunner.NewTemporaryDirectory(), "cluster-e2e", maxSamples: 64, maxSteps: 4, concurrent: 2);

        // Without --wait the command submits to the running cluster and returns.
        var run = environment.Run("sweep", "run", sweep);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("the running cluster trains it", run.Error);

        var clock = Stopwatch.StartNew();
        string status;
        do
        {
            Thread.Sleep(1000);
            status = environment.Run("sweep", "status", "cluster-e2e").Output;
        } while (!status.Contains("cluster-e2e: completed") && clock.Elapsed < TimeSpan.FromMinutes(3));
        Assert.True(status.Contains("cluster-e2e: completed"), $"{status}\nweb:\n{web.Log}\ntrainer:\n{trainer.Log}");

        var leaderboard = environment.Run("leaderboard", "cluster-e2e", "--json");
        Assert.True(leaderboard.ExitCode == 0, leaderboard.Error);
        using var rows = JsonDocument.Parse(leaderboard.Output);
        var trials = rows.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t => Assert.EndsWith($":{trainer.Id}", t.GetProperty("silo").GetString()));
    }

    [Fact]
    public void ATrainersTrialsArePackedOntoItsGpusByTrialsPerGpu()
    {
        // Two GPUs declared (this machine has none: the workers' CUDA_VISIBLE_DEVICES names them and
        // libtorch falls back to the CPU), four slots, a sweep that packs two trials per GPU.
        var home = CliRunner.NewTemporaryDirectory();
        using var trainer = new SiloProcess(environment, "all", slots: 4, ["--gpus", "0,1"], new Dictionary<string, string> { ["EMBEDSWEEPS_HOME"] = home });
        Assert.Contains("4 trial slot(s) on GPU 0,1", trainer.Log);
        var sweep = TinySweeps.Write(CliRunner.NewTemporaryDirectory(), "gpu-e2e", maxSamples: 64, maxSteps: 4, concurrent: 4, resources: "trials_per_gpu: 2");
        var run = environment.Run("sweep", "run", sweep, "--wait");
        Assert.True(run.ExitCode == 0, $"{run.Error}\ntrainer:\n{trainer.Log}");

        // Each attempt's spec records the GPU its worker was given: all on the declared GPUs, spread over both.
        var specs = Directory.GetFiles(Path.Combine(home, "trials", "gpu-e2e"), "trial-attempt-*.json", SearchOption.AllDirectories);
        Assert.Equal(5, specs.Length); // four trials and the baseline, one attempt each
        var gpus = specs.Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("gpu").GetString()).ToList();
        Assert.All(gpus, g => Assert.Contains(g, new[] { "0", "1" }));
        Assert.Equal(2, gpus.Distinct().Count());
    }
}
