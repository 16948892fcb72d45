using System.Diagnostics;
using System.Text.Json;

namespace EmbedSweeps.Cli.Tests;

[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class SweepRunTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly ClusterEnvironment environment;

    public SweepRunTests(AzuriteFixture azurite) => environment = new ClusterEnvironment(azurite);

    public void Dispose() => environment.Dispose();

    [Fact]
    public void ASweepWhoseSiloIsKilledCarriesOnWhenRunAgain()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        var sweep = TinySweeps.Write(folder, "crash-e2e", maxSamples: 400, maxSteps: 50);

        // A silo in its own process, killed with SIGKILL once a trial is under way.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        environment.ApplyTo(start);
        foreach (var argument in new[] { TestPaths.CliDll, "sweep", "run", sweep }) start.ArgumentList.Add(argument);
        using var silo = Process.Start(start)!;
        var progress = new List<string>();
        var trialRunning = new ManualResetEventSlim();
        silo.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (progress) progress.Add(e.Data);
            if (e.Data.Contains("1 succeeded, 1 running")) trialRunning.Set();
        };
        silo.BeginErrorReadLine();
        Assert.True(trialRunning.Wait(TimeSpan.FromMinutes(2)), string.Join("\n", progress));
        silo.Kill(entireProcessTree: false);
        silo.WaitForExit();

        // Its workers notice their silo is gone and exit by themselves.
        var clock = Stopwatch.StartNew();
        while (Workers(sweep) > 0 && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(250);
        Assert.Equal(0, Workers(sweep));

        var again = environment.Run("sweep", "run", sweep, "--json");
        Assert.True(again.ExitCode == 0, again.Error);
        using var leaderboard = JsonDocument.Parse(again.Output);
        var trials = leaderboard.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t => Assert.Equal("succeeded", t.GetProperty("status").GetString()));
    }

    // Worker processes whose spec lies under this sweep's trial folders.
    private static int Workers(string sweepFile) =>
        Process.GetProcessesByName("dotnet").Count(p =>
        {
            try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Contains("trial-worker") && File.ReadAllText($"/proc/{p.Id}/cmdline").Contains("crash-e2e"); }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        });

    [Fact]
    public void StatusOfAnUnknownSweepIsAClearError()
    {
        var result = environment.Run("sweep", "status", "never-submitted");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no sweep of that name", result.Error);
    }

    [Fact]
    public void RetryOfAnUnknownSweepIsAClearError()
    {
        var result = environment.Run("sweep", "retry", "never-submitted");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no sweep of that name", result.Error);
    }
}
