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
    public void ATwoByTwoSweepRunsThroughRealWorkersAndCanBePromoted()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        var sweep = TinySweeps.Write(folder, "tiny-e2e", maxSamples: 64, maxSteps: 4);
        var clock = Stopwatch.StartNew();

        var run = CliRunner.Run("sweep", "run", sweep, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
        using var leaderboard = JsonDocument.Parse(run.Output);
        var all = leaderboard.RootElement.GetProperty("trials").EnumerateArray().ToList();
        var baseline = Assert.Single(all, t => t.GetProperty("baseline").GetBoolean());
        Assert.True(baseline.GetProperty("objective").ValueKind == JsonValueKind.Number, run.Output);
        var trials = all.Where(t => !t.GetProperty("baseline").GetBoolean()).ToList();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal(t.GetProperty("objective").GetDouble() - baseline.GetProperty("objective").GetDouble(), t.GetProperty("gain").GetDouble(), 9));
        Assert.All(trials, t => Assert.Equal(JsonValueKind.Number, t.GetProperty("objective").ValueKind));
        var objectives = trials.Select(t => t.GetProperty("objective").GetDouble()).ToList();
        Assert.Equal(objectives.OrderDescending(), objectives);

        var best = trials[0].GetProperty("trial_id").GetString();
        var promote = CliRunner.Run("promote", $"tiny-e2e/{best}");
        Assert.True(promote.ExitCode == 0, promote.Error);
        var models = CliRunner.Run("models", "list");
        Assert.Contains($"champion: tiny-e2e/{best}", models.Output);

        // State lives in storage: a new silo reads the finished sweep back.
        var status = CliRunner.Run("sweep", "status", "tiny-e2e");
        Assert.Contains("tiny-e2e: completed", status.Output);
        Assert.Contains("tiny-e2e", CliRunner.Run("sweep", "list").Output);

        // The exported champion, evaluated independently, scores what the leaderboard says.
        var exported = Path.Combine(folder, "champion");
        Assert.True(CliRunner.Run("export", "champion", "--output", exported).ExitCode == 0);
        var evaluation = Path.Combine(folder, "eval.json");
        Assert.Equal(0, CliRunner.Run("eval", "--model", exported, "--task", "stsb", "--json", evaluation).ExitCode);
        using var scores = JsonDocument.Parse(File.ReadAllText(evaluation));
        Assert.Equal(trials[0].GetProperty("objective").GetDouble(),
            scores.RootElement.GetProperty("metrics").GetProperty("stsb_validation_spearman_cosine").GetDouble(), 3);

        // On another machine the trainer's folder is not there: export fetches the model from blob storage.
        Directory.Delete(Path.Combine(CliRunner.RepositoryRoot, ".embedsweeps", "trials", "tiny-e2e"), recursive: true);
        var fetched = Path.Combine(folder, "fetched");
        var export = CliRunner.Run("export", $"tiny-e2e/{best}", "--output", fetched);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(exported, "model.safetensors")), File.ReadAllBytes(Path.Combine(fetched, "model.safetensors")));
        Assert.StartsWith("http://127.0.0.1:", trials[0].GetProperty("model").GetString());

        // The Pareto front of two metrics, after the fact: at least the best trial on one of them is on it; a metric no
        // trial has is a clear error.
        var pareto = CliRunner.Run("leaderboard", "tiny-e2e", "--json", "--pareto", "stsb_validation_spearman_cosine,stsb_validation_spearman_dot");
        Assert.True(pareto.ExitCode == 0, pareto.Error);
        var marked = JsonDocument.Parse(pareto.Output).RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Contains(marked, r => r.GetProperty("on_pareto_front").ValueKind == JsonValueKind.True);
        Assert.All(marked.Where(r => r.GetProperty("baseline").GetBoolean()), r => Assert.Equal(JsonValueKind.False, r.GetProperty("on_pareto_front").ValueKind));
        var table = CliRunner.Run("leaderboard", "tiny-e2e", "--pareto", "stsb_validation_spearman_cosine,stsb_validation_spearman_dot");
        Assert.Contains("pareto *", table.Output);
        var unknownMetric = CliRunner.Run("leaderboard", "tiny-e2e", "--pareto", "stsb_validation_spearman_cosine,stsb_validaton_spearman_dot");
        Assert.Equal(2, unknownMetric.ExitCode);
        Assert.Contains("did you mean", unknownMetric.Error);

        // Parameter importance over the four trials: a share per swept parameter, adding up to 1; a quantile outside (0, 1) is refused.
        var importance = CliRunner.Run("sweep", "importance", "tiny-e2e", "--json", "--target-quantile", "0.5");
        Assert.True(importance.ExitCode == 0, importance.Error);
        using var importanceJson = JsonDocument.Parse(importance.Output);
        Assert.Equal(4, importanceJson.RootElement.GetProperty("trials").GetInt32());
        Assert.Equal(2, importanceJson.RootElement.GetProperty("top_trials").GetInt32());
        Assert.StartsWith("PED-ANOVA", importanceJson.RootElement.GetProperty("method").GetString());
        var shares = importanceJson.RootElement.GetProperty("importance").EnumerateObject().ToList();
        Assert.NotEmpty(shares);
        Assert.Equal(1.0, shares.Sum(s => s.Value.GetDouble()), 5);
        var badQuantile = CliRunner.Run("sweep", "importance", "tiny-e2e", "--target-quantile", "1.5");
        Assert.Equal(2, badQuantile.ExitCode);
        Assert.Contains("above 0 and below 1", badQuantile.Error);

        // Resubmitting the same sweep is idempotent: nothing runs again.
        var again = CliRunner.Run("sweep", "run", sweep, "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(Results(run.Output), Results(again.Output)); // same trials, same values, no new attempts
    }

    // Each trial's id, objective and attempt count, in id order.
    private static List<(string Id, double? Objective, int Attempts)> Results(string leaderboardJson) =>
        JsonDocument.Parse(leaderboardJson).RootElement.GetProperty("trials").EnumerateArray()
            .Select(t => (t.GetProperty("trial_id").GetString()!,
                t.GetProperty("objective").ValueKind == JsonValueKind.Number ? t.GetProperty("objective").GetDouble() : (double?)null,
                t.GetProperty("attempts").GetInt32()))
            .OrderBy(t => t.Item1, StringComparer.Ordinal).ToList();

    [Fact]
    public void ASweepWhoseSiloIsKilledCarriesOnWhenRunAgain()
    {
        var folder = CliRunner.NewTemporaryDirectory();
        var sweep = TinySweeps.Write(folder, "crash-e2e", maxSamples: 400, maxSteps: 50);

        // A silo in its own process, killed with SIGKILL once a trial is under way.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
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

        var again = CliRunner.Run("sweep", "run", sweep, "--json");
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
        var result = CliRunner.Run("sweep", "status", "never-submitted");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no sweep of that name", result.Error);
    }

    [Fact]
    public void RetryOfAnUnknownSweepIsAClearError()
    {
        var result = CliRunner.Run("sweep", "retry", "never-submitted");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no sweep of that name", result.Error);
    }
}
