using System.Diagnostics;
using System.Text.Json;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Faults on a cluster of real processes on loopback: a trainer silo killed mid-trial, workers that crash
/// or hang, a whole-cluster restart. Reminders fire every 5 s here so recovery is seen within seconds.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class ReliabilityTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzuriteFixture azurite;
    private ClusterEnvironment environment;

    public ReliabilityTests(AzuriteFixture azurite)
    {
        this.azurite = azurite;
        environment = new ClusterEnvironment(azurite, reminderSeconds: 5);
    }

    public void Dispose() => environment.Dispose();

    internal static JsonElement Status(ClusterEnvironment environment, string sweep)
    {
        var status = environment.Run("sweep", "status", sweep, "--json");
        Assert.True(status.ExitCode == 0, status.Error);
        return JsonDocument.Parse(status.Output).RootElement.Clone();
    }

    internal static int Count(JsonElement status, TrialStatus state) =>
        status.GetProperty("trials").EnumerateArray().Count(t => t.GetProperty("status").GetString() == state.ToString().ToLowerInvariant());

    internal static JsonElement WaitUntil(ClusterEnvironment environment, string sweep, Func<JsonElement, bool> done, TimeSpan timeout, Func<string>? context = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = Status(environment, sweep);
            if (done(status)) return status;
            Assert.True(clock.Elapsed < timeout, $"{sweep} did not get there within {timeout}: {status}\n{context?.Invoke()}");
            Thread.Sleep(1000);
        }
    }

    internal static List<JsonElement> Leaderboard(ClusterEnvironment environment, string sweep)
    {
        var board = environment.Run("leaderboard", sweep, "--json");
        Assert.True(board.ExitCode == 0, board.Error);
        return JsonDocument.Parse(board.Output).RootElement.GetProperty("trials").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => int.TryParse(d, out _)).Select(int.Parse!).Where(pid =>
        {
            try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].Split(' ')[1] == parent.ToString(); }
            catch (IOException) { return false; }
        }).ToList();

    [Fact]
    public void ATrainerSiloKilledMidTrialLosesNothingAndTheLeaderboardMatchesAnUndisturbedRun()
    {
        // Every worker of both runs computes with one thread: float sums in other orders would differ in the last
        // digits, and the point is that a kill and a resume change nothing, not that thread counts do not.
        var threads = Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "1");
        try
        {
            KillMidTrialAndCompare();
        }
        finally
        {
            Environment.SetEnvironmentVariable("OMP_NUM_THREADS", threads);
        }
    }

    private void KillMidTrialAndCompare()
    {
        var sweep = TinySweeps.Write(TestPaths.NewTemporaryDirectory(), "kill-e2e", maxSamples: 160, maxSteps: 40, concurrent: 4,
            rates: "1.0e-4, 3.0e-4, 1.0e-3", training: "checkpoint_steps: 10, eval_steps: 20");

        // The undisturbed run: a cluster of its own (another prefix), same sweep, same trial ids.
        var undisturbed = environment.Run("sweep", "run", sweep);
        Assert.True(undisturbed.ExitCode == 0, undisturbed.Error);
        var expected = Leaderboard(environment, "kill-e2e").ToDictionary(r => r.GetProperty("trial_id").GetString()!, r => r.GetProperty("objective").GetDouble());
        Assert.Equal(7, expected.Count); // 6 trials and the baseline

        environment.Dispose();
        environment = new ClusterEnvironment(azurite, reminderSeconds: 5);
        using var web = new SiloProcess(environment, "web", slots: 0);
        using var doomed = new SiloProcess(environment, "trainer", slots: 2);
        using var survivor = new SiloProcess(environment, "trainer", slots: 2);
        Assert.Equal(0, environment.Run("sweep", "run", sweep).ExitCode);

        // kill -9 the first trainer while it trains (its workers notice and exit by themselves).
        var clock = Stopwatch.StartNew();
        while (!ChildrenOf(doomed.Id).Any()) { Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), doomed.Log); Thread.Sleep(100); }
        Thread.Sleep(1500);
        doomed.Kill();

        var final = WaitUntil(environment, "kill-e2e", s => s.GetProperty("status").GetString() == "completed", TimeSpan.FromMinutes(5),
            () => $"web:\n{web.Log}\nsurvivor:\n{survivor.Log}");
        Assert.Equal(7, Count(final, TrialStatus.Succeeded));
        var rows = Leaderboard(environment, "kill-e2e");
        Assert.Equal(expected.Keys.Order(), rows.Select(r => r.GetProperty("trial_id").GetString()!).Order()); // one final result per trial
        Assert.Contains(rows, r => r.GetProperty("attempts").GetInt32() > 1); // some trials were re-run or resumed
        // Training on CPU is deterministic and a resume is bit-exact: the same leaderboard.
        foreach (var row in rows) Assert.Equal(expected[row.GetProperty("trial_id").GetString()!], row.GetProperty("objective").GetDouble(), 6);
    }

    [Fact]
    public void WorkersThatFailOrHangAreRecordedRetriedAndNeverLeftRunning()
    {
        var folder = TestPaths.NewTemporaryDirectory();
        // A base model that does not exist: each attempt's worker exits non-zero.
        var broken = TinySweeps.Write(folder, "broken-e2e", maxSamples: 64, maxSteps: 4, concurrent: 2, rates: "1.0e-4",
            limits: "trial_timeout: 5m, max_failures: 1", baseModel: Path.Combine(folder, "no-such-model"));
        var run = environment.Run("sweep", "run", broken, "--json"); // the sweep completes; its trials failed
        Assert.True(run.Output.Length > 0, run.Error);
        var rows = JsonDocument.Parse(run.Output).RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.All(rows, r =>
        {
            Assert.Equal("failed", r.GetProperty("status").GetString());
            Assert.Equal(2, r.GetProperty("attempts").GetInt32()); // the first run and one retry (max_failures: 1)
            Assert.Contains("no-such-model", r.GetProperty("failure").GetString());
        });

        // A trial that runs past its timeout is killed, retried, and recorded as timed out.
        var slow = TinySweeps.Write(folder, "slow-e2e", maxSamples: 4000, maxSteps: 100000, concurrent: 2, rates: "1.0e-4",
            limits: "trial_timeout: 8s, max_failures: 1");
        var timed = environment.Run("sweep", "run", slow, "--json");
        var slowRows = JsonDocument.Parse(timed.Output).RootElement.GetProperty("trials").EnumerateArray().Where(r => !r.GetProperty("baseline").GetBoolean()).ToList();
        Assert.All(slowRows, r =>
        {
            Assert.Equal("failed", r.GetProperty("status").GetString());
            Assert.Equal(2, r.GetProperty("attempts").GetInt32());
            Assert.Contains("timed out after", r.GetProperty("failure").GetString());
        });
    }

    [Fact]
    public void AWholeClusterRestartCarriesOnWithoutResubmitting()
    {
        var sweep = TinySweeps.Write(TestPaths.NewTemporaryDirectory(), "restart-e2e", maxSamples: 160, maxSteps: 30, concurrent: 1,
            training: "checkpoint_steps: 10");
        var first = new SiloProcess(environment, "all", slots: 1);
        Assert.Equal(0, environment.Run("sweep", "run", sweep).ExitCode);
        WaitUntil(environment, "restart-e2e", s => Count(s, TrialStatus.Succeeded) >= 2, TimeSpan.FromMinutes(3));
        first.Kill(); // every process of the cluster is gone
        first.Dispose();

        using var second = new SiloProcess(environment, "all", slots: 1);
        var final = WaitUntil(environment, "restart-e2e", s => s.GetProperty("status").GetString() == "completed", TimeSpan.FromMinutes(4), () => second.Log);
        Assert.Equal(5, Count(final, TrialStatus.Succeeded));
    }
}
