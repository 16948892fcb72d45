using System.Diagnostics;
using System.Text.Json;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// The tiny 2×2 sweep, run once through real worker processes on Azurite (<see cref="FinishedSweep"/>); each fact checks
/// one property of what users then do with it: the leaderboard, promotion, export, status, Pareto front, importance,
/// resubmission.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class FinishedSweepTests(FinishedSweep sweep) : IClassFixture<FinishedSweep>
{
    [Fact]
    public void EveryTrialAndTheBaselineEndWithAnObjectiveWithinTwoMinutes()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Error);
        Assert.True(sweep.Elapsed < TimeSpan.FromMinutes(2), $"took {sweep.Elapsed}");
        Assert.Equal(4, sweep.Trials.Count);
        Assert.All(sweep.Trials.Append(sweep.Baseline), t => Assert.Equal(JsonValueKind.Number, t.GetProperty("objective").ValueKind));
    }

    [Fact]
    public void TheLeaderboardRanksByObjectiveWithGainsOverTheBaseline()
    {
        var objectives = sweep.Trials.Select(t => t.GetProperty("objective").GetDouble()).ToList();
        Assert.Equal(objectives.OrderDescending(), objectives);
        var baseline = sweep.Baseline.GetProperty("objective").GetDouble();
        Assert.All(sweep.Trials, t => Assert.Equal(t.GetProperty("objective").GetDouble() - baseline, t.GetProperty("gain").GetDouble(), 9));
    }

    [Fact]
    public void APromotedTrialBecomesTheChampion()
    {
        var promote = sweep.Cluster.Run("promote", $"{FinishedSweep.Name}/{sweep.Best}");
        Assert.True(promote.ExitCode == 0, promote.Error);
        Assert.Contains($"champion: {FinishedSweep.Name}/{sweep.Best}", sweep.Cluster.Run("models", "list").Output);
    }

    [Fact]
    public void TheExportedChampionScoresWhatTheLeaderboardSays()
    {
        Assert.Equal(0, sweep.Cluster.Run("promote", $"{FinishedSweep.Name}/{sweep.Best}").ExitCode);
        var exported = Path.Combine(sweep.Folder, "champion");
        Assert.Equal(0, sweep.Cluster.Run("export", "champion", "--output", exported).ExitCode);
        var evaluation = Path.Combine(sweep.Folder, "eval.json");
        Assert.Equal(0, sweep.Cluster.Run("eval", "--model", exported, "--task", "stsb", "--json", evaluation).ExitCode);
        using var scores = JsonDocument.Parse(File.ReadAllText(evaluation));
        Assert.Equal(sweep.Trials[0].GetProperty("objective").GetDouble(),
            scores.RootElement.GetProperty("metrics").GetProperty("stsb_validation_spearman_cosine").GetDouble(), 3);
    }

    [Fact]
    public void ExportFetchesTheModelFromBlobStorageWhenTheTrainersFolderIsGone()
    {
        Assert.StartsWith("http://127.0.0.1:", sweep.Trials[0].GetProperty("model").GetString());
        var local = Path.Combine(sweep.Folder, "local");
        Assert.Equal(0, sweep.Cluster.Run("export", $"{FinishedSweep.Name}/{sweep.Best}", "--output", local).ExitCode);

        // On another machine the trainer's folder is not there.
        var trainerFolder = Path.Combine(CliRunner.RepositoryRoot, ".embedsweeps", "trials", FinishedSweep.Name);
        if (Directory.Exists(trainerFolder)) Directory.Delete(trainerFolder, recursive: true);
        var fetched = Path.Combine(sweep.Folder, "fetched");
        var export = sweep.Cluster.Run("export", $"{FinishedSweep.Name}/{sweep.Best}", "--output", fetched);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "model.safetensors")), File.ReadAllBytes(Path.Combine(fetched, "model.safetensors")));
    }

    [Fact]
    public void StatusAndListReadTheFinishedSweepBackFromStorage()
    {
        Assert.Contains($"{FinishedSweep.Name}: completed", sweep.Cluster.Run("sweep", "status", FinishedSweep.Name).Output);
        Assert.Contains(FinishedSweep.Name, sweep.Cluster.Run("sweep", "list").Output);
    }

    [Fact]
    public void TheParetoFrontOfTwoMetricsIsMarkedAfterTheFact()
    {
        var pareto = sweep.Cluster.Run("leaderboard", FinishedSweep.Name, "--json", "--pareto", "stsb_validation_spearman_cosine,stsb_validation_spearman_dot");
        Assert.True(pareto.ExitCode == 0, pareto.Error);
        var marked = JsonDocument.Parse(pareto.Output).RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Contains(marked, r => r.GetProperty("on_pareto_front").ValueKind == JsonValueKind.True);
        Assert.All(marked.Where(r => r.GetProperty("baseline").GetBoolean()), r => Assert.Equal(JsonValueKind.False, r.GetProperty("on_pareto_front").ValueKind));
        Assert.Contains("pareto *", sweep.Cluster.Run("leaderboard", FinishedSweep.Name, "--pareto", "stsb_validation_spearman_cosine,stsb_validation_spearman_dot").Output);
    }

    [Fact]
    public void AParetoMetricNoTrialHasIsAClearError()
    {
        var misspelt = sweep.Cluster.Run("leaderboard", FinishedSweep.Name, "--pareto", "stsb_validation_spearman_cosine,stsb_validaton_spearman_dot");
        Assert.Equal(2, misspelt.ExitCode);
        Assert.Contains("did you mean", misspelt.Error);
    }

    [Fact]
    public void ParameterImportanceGivesEachSweptParameterAShareAddingUpToOne()
    {
        var importance = sweep.Cluster.Run("sweep", "importance", FinishedSweep.Name, "--json", "--target-quantile", "0.5");
        Assert.True(importance.ExitCode == 0, importance.Error);
        using var json = JsonDocument.Parse(importance.Output);
        Assert.Equal(4, json.RootElement.GetProperty("trials").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("top_trials").GetInt32());
        Assert.StartsWith("PED-ANOVA", json.RootElement.GetProperty("method").GetString());
        var shares = json.RootElement.GetProperty("importance").EnumerateObject().ToList();
        Assert.NotEmpty(shares);
        Assert.Equal(1.0, shares.Sum(s => s.Value.GetDouble()), 5);
    }

    [Fact]
    public void AnImportanceQuantileOutsideZeroAndOneIsRefused()
    {
        var refused = sweep.Cluster.Run("sweep", "importance", FinishedSweep.Name, "--target-quantile", "1.5");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("above 0 and below 1", refused.Error);
    }

    [Fact]
    public void ResubmittingTheSameSweepRunsNothingAgain()
    {
        var again = sweep.Cluster.Run("sweep", "run", sweep.File, "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(FinishedSweep.Results(sweep.Run.Output), FinishedSweep.Results(again.Output)); // same trials, values, attempts
    }
}

/// <summary>
/// Runs the tiny 2×2 sweep (4 trials of 4 steps on 64 pairs, and the baseline) once for the class, on an Azurite and a
/// storage prefix of its own that stay in force until the class's last fact has run.
/// </summary>
public sealed class FinishedSweep : IDisposable
{
    public const string Name = "tiny-e2e";
    private readonly AzuriteFixture azurite = new();
    private readonly ClusterEnvironment environment;

    public FinishedSweep()
    {
        environment = new ClusterEnvironment(azurite);
        Folder = CliRunner.NewTemporaryDirectory();
        File = TinySweeps.Write(Folder, Name, maxSamples: 64, maxSteps: 4);
        var clock = Stopwatch.StartNew();
        Run = environment.Run("sweep", "run", File, "--json");
        Elapsed = clock.Elapsed;
        if (Run.ExitCode != 0) return; // the first fact reports it
        using var leaderboard = JsonDocument.Parse(Run.Output);
        var all = leaderboard.RootElement.GetProperty("trials").EnumerateArray().Select(t => t.Clone()).ToList();
        Baseline = all.SingleOrDefault(t => t.GetProperty("baseline").GetBoolean());
        Trials = all.Where(t => !t.GetProperty("baseline").GetBoolean()).ToList();
    }

    /// <summary>The storage settings the sweep ran under: later runs must use them to find it.</summary>
    public ClusterEnvironment Cluster => environment;

    public string Folder { get; }
    public string File { get; }
    internal CliRunner.Result Run { get; }
    public TimeSpan Elapsed { get; }

    /// <summary>The trials in leaderboard order (best first), baseline excluded.</summary>
    public IReadOnlyList<JsonElement> Trials { get; } = [];
    public JsonElement Baseline { get; }
    public string Best => Trials.Count > 0 ? Trials[0].GetProperty("trial_id").GetString()! : throw new InvalidOperationException(Run.Error);

    /// <summary>Each trial's id, objective and attempt count, in id order.</summary>
    public static List<(string Id, double? Objective, int Attempts)> Results(string leaderboardJson) =>
        JsonDocument.Parse(leaderboardJson).RootElement.GetProperty("trials").EnumerateArray()
            .Select(t => (t.GetProperty("trial_id").GetString()!,
                t.GetProperty("objective").ValueKind == JsonValueKind.Number ? t.GetProperty("objective").GetDouble() : (double?)null,
                t.GetProperty("attempts").GetInt32()))
            .OrderBy(t => t.Item1, StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        environment.Dispose();
        azurite.Dispose();
    }
}
