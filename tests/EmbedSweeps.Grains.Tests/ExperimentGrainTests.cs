using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains.Tests;

[Trait("Tier", "Cluster")] // an Orleans test cluster on Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class ExperimentGrainTests(ClusterFixture fixture)
{
    internal static string Sweep(string name, string extra = "", string limits = "{ max_trials: 10, max_concurrent_trials: 2 }") => $"""
        name: {name}
        objective: {"{"} metric: stsb_validation_spearman_cosine {"}"}
        parameters:
          base_model: m
          loss: [cosine, cosent]
          learning_rate: [2.0e-5, 5.0e-5]
        data: {"{"} train: stsb {"}"}
        limits: {limits}
        {extra}
        """;

    private Task<ExperimentSnapshot> RunAsync(string name, string yaml) => RunAsync(fixture.Cluster.GrainFactory, name, yaml);

    /// <summary>Submits the sweep and waits (up to 10 s) until it is no longer running.</summary>
    internal static async Task<ExperimentSnapshot> RunAsync(IGrainFactory grains, string name, string yaml)
    {
        var experiment = grains.GetGrain<IExperimentGrain>(name);
        await experiment.SubmitAsync(yaml, $"{name}.yaml");
        for (var i = 0; i < 200; i++)
        {
            var snapshot = await experiment.GetAsync();
            if (snapshot.Status != ExperimentStatus.Running) return snapshot;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{name} did not finish");
    }

    [Fact]
    public async Task EveryTrialRunsAndTheBestIsKnown()
    {
        var snapshot = await RunAsync("all-run", Sweep("all-run"));

        Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
        Assert.Equal(5, snapshot.Count(TrialStatus.Succeeded));
        var baseline = Assert.Single(snapshot.Trials, t => t.Baseline);
        Assert.StartsWith("baseline-", baseline.TrialId);
        Assert.NotEqual(baseline.TrialId, snapshot.BestTrialId);
        var best = snapshot.Trials.Single(t => t.TrialId == snapshot.BestTrialId);
        Assert.Contains("5e-05", best.SettingsJson);
        Assert.Contains("all-run", await fixture.Cluster.GrainFactory.GetGrain<ISweepIndexGrain>("default").ListAsync());
        var trial = await fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>($"all-run/{best.TrialId}").GetAsync();
        Assert.Equal(3, trial.Timeline.Count);
        Assert.Equal(1, trial.Attempt);
    }

    [Fact]
    public async Task KeepModelsDeletesTheModelsOutsideTheBestNButNeverAPromotedOne()
    {
        // Objectives: 5e-5 → 0.53 (both losses), 2e-5 → 0.23 (both losses); the baseline is never trained.
        var snapshot = await RunAsync("keep", Sweep("keep", limits: "{ max_trials: 10, max_concurrent_trials: 1, keep_models: 2 }"));
        Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
        var grains = fixture.Cluster.GrainFactory;
        var trials = await Task.WhenAll(snapshot.Trials.Where(t => !t.Baseline).Select(t => grains.GetGrain<ITrialGrain>($"keep/{t.TrialId}").GetAsync()));
        Assert.All(trials.Where(t => t.SettingsJson.Contains("5e-05")), t => Assert.Null(t.ModelRemoved));
        Assert.All(trials.Where(t => t.SettingsJson.Contains("5e-05")), t => Assert.NotNull(t.OutputPath));
        var removed = trials.Where(t => t.SettingsJson.Contains("2e-05")).ToList();
        Assert.Equal(2, removed.Count);
        Assert.All(removed, t => Assert.Equal("not among the 2 best trials (limits.keep_models: 2)", t.ModelRemoved));
        Assert.All(removed, t => Assert.Null(t.OutputPath));
        Assert.All(removed, t => Assert.Contains(t.Key, ScriptedTrialRunner.RemovedModels));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => grains.GetGrain<IModelRegistryGrain>("default").PromoteAsync(removed[0].Key, "keep-alias", "test"));
        Assert.Contains("has no model any more", refused.Message);

        // A promoted model stays whatever its rank, also when the limit is set after the fact (a changed file).
        var yaml = Sweep("keep-promoted", limits: "{ max_trials: 10, max_concurrent_trials: 2 }");
        var first = await RunAsync("keep-promoted", yaml);
        var worst = first.Trials.First(t => !t.Baseline && t.SettingsJson.Contains("2e-05"));
        await grains.GetGrain<IModelRegistryGrain>("default").PromoteAsync($"keep-promoted/{worst.TrialId}", "keep-champion", "test");
        var limited = await RunAsync("keep-promoted", yaml.Replace("max_concurrent_trials: 2 }", "max_concurrent_trials: 2, keep_models: 1 }"));
        var after = await Task.WhenAll(limited.Trials.Where(t => !t.Baseline).Select(t => grains.GetGrain<ITrialGrain>($"keep-promoted/{t.TrialId}").GetAsync()));
        Assert.Null(after.Single(t => t.TrialId == worst.TrialId).ModelRemoved);
        Assert.Equal(2, after.Count(t => t.ModelRemoved is not null)); // of four: the best and the promoted stay
        Assert.Null(after.Single(t => t.TrialId == limited.BestTrialId).ModelRemoved);
    }

    [Fact]
    public async Task ImportanceNamesTheParameterTheObjectiveDependsOn()
    {
        // The scripted objective depends on learning_rate alone: the top 20 % (the best rate with each loss) share it and
        // are split evenly between the losses, exactly as all trials are.
        var yaml = Sweep("importance", limits: "{ max_trials: 10, max_concurrent_trials: 4 }")
            .Replace("learning_rate: [2.0e-5, 5.0e-5]", "learning_rate: [1.0e-5, 2.0e-5, 3.0e-5, 4.0e-5, 5.0e-5]");
        var snapshot = await RunAsync("importance", yaml);
        Assert.Equal(10, snapshot.Count(TrialStatus.Succeeded) - 1);

        var report = await fixture.Cluster.GrainFactory.GetGrain<IExperimentGrain>("importance").ImportanceAsync(0.2);

        Assert.Equal((10, 2), (report.Trials, report.TopTrials)); // the baseline takes no part
        Assert.Equal(["learning_rate", "loss"], report.Shares.Select(s => s.Parameter));
        Assert.Equal(1.0, report.Shares[0].Share, 1e-9);
        Assert.Equal(0.0, report.Shares[1].Share, 1e-9);
        Assert.StartsWith("PED-ANOVA", report.Method);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Cluster.GrainFactory.GetGrain<IExperimentGrain>("importance").ImportanceAsync(1.5));
    }

    [Fact]
    public async Task ResubmittingTheSameSweepIsIdempotent()
    {
        var yaml = Sweep("again");
        var first = await RunAsync("again", yaml);
        var second = await fixture.Cluster.GrainFactory.GetGrain<IExperimentGrain>("again").SubmitAsync(yaml, "again.yaml");

        Assert.Equal(first.Trials.Select(t => t.TrialId), second.Trials.Select(t => t.TrialId));
        foreach (var trial in second.Trials)
            Assert.Equal(1, (await fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>($"again/{trial.TrialId}").GetAsync()).Attempt);
    }

    [Fact]
    public async Task TheConcurrencyLimitIsHonoured()
    {
        ScriptedTrialRunner.MaxConcurrent = 0;
        var snapshot = await RunAsync("one-at-a-time", Sweep("one-at-a-time", limits: "{ max_trials: 10, max_concurrent_trials: 1 }"));
        Assert.Equal(5, snapshot.Count(TrialStatus.Succeeded));
        Assert.Equal(1, ScriptedTrialRunner.MaxConcurrent);
    }

    [Fact]
    public async Task SuccessiveHalvingStopsTheWorseTrials()
    {
        var snapshot = await RunAsync("halving", Sweep("halving", "early_termination: { type: successive_halving, min_steps: 100, reduction_factor: 2 }",
            "{ max_trials: 10, max_concurrent_trials: 1 }"));
        Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
        Assert.True(snapshot.Count(TrialStatus.Stopped) >= 1, "the lower learning rate's trials should be stopped");
        Assert.All(snapshot.Trials.Where(t => t.Status == TrialStatus.Stopped), t => Assert.Contains("2e-05", t.SettingsJson));
        Assert.Equal(TrialStatus.Succeeded, snapshot.Trials.Single(t => t.Baseline).Status);
    }

    [Fact]
    public async Task BayesSearchProposesTrialsUntilMaxTrials()
    {
        var yaml = """
            name: bayes-run
            method: bayes
            objective: { metric: stsb_validation_spearman_cosine }
            parameters:
              base_model: m
              loss: cosine
              learning_rate: { distribution: log_uniform, min: 1.0e-6, max: 1.0e-4 }
            data: { train: stsb }
            limits: { max_trials: 6, max_concurrent_trials: 2 }
            """;
        var snapshot = await RunAsync("bayes-run", yaml);
        Assert.Equal(7, snapshot.Trials.Count); // 6 searched + the baseline
        Assert.Equal(7, snapshot.Trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(snapshot.Trials, t => Assert.Equal(TrialStatus.Succeeded, t.Status));
    }

    [Fact]
    public async Task AnInvalidSweepIsRejectedBeforeAnythingIsStored()
    {
        var experiment = fixture.Cluster.GrainFactory.GetGrain<IExperimentGrain>("broken");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => experiment.SubmitAsync("name: broken\nmethod: gird\n", "broken.yaml"));
        Assert.Contains("broken.yaml:2:9", error.Message);
        Assert.Equal(ExperimentStatus.NotSubmitted, (await experiment.GetAsync()).Status);
    }

    [Fact]
    public async Task AFailedEvaluationIsAFailureWithItsReasonRankedLastAndNeverBest()
    {
        var yaml = Sweep("nan-final").Replace("learning_rate: [2.0e-5, 5.0e-5]", "learning_rate: [2.0e-5, 5.0e-5, 1.0e-3]");
        var snapshot = await RunAsync("nan-final", yaml);
        Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
        var failed = snapshot.Trials.Where(t => t.SettingsJson.Contains("0.001")).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, t => Assert.Equal(TrialStatus.Failed, t.Status));
        Assert.Contains("5e-05", snapshot.Trials.Single(t => t.TrialId == snapshot.BestTrialId).SettingsJson);
        var trial = await fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>($"nan-final/{failed[0].TrialId}").GetAsync();
        Assert.Contains("stsb_validation_spearman_cosine is NaN", trial.Failure);
        Assert.Equal(1, trial.Attempt); // deterministic: not retried
        Assert.All(trial.Timeline, p => Assert.True(double.IsFinite(p.Value)));
        var rows = Leaderboard.Rank(snapshot);
        var ranked = rows.Where(r => !r.Baseline).OrderBy(r => r.Rank).ToList();
        Assert.All(ranked.TakeLast(2), r => Assert.Equal(TrialStatus.Failed, r.Status));
    }

    [Theory]
    [InlineData("median_stopping", "early_termination: { type: median_stopping, min_steps: 200, min_trials: 2 }")]
    [InlineData("successive_halving", "early_termination: { type: successive_halving, min_steps: 200, reduction_factor: 2 }")]
    public async Task EarlyTerminationStopsATrialWhoseEvaluationFailed(string rule, string termination)
    {
        var name = "nan-" + rule.Replace('_', '-');
        var yaml = Sweep(name, termination, "{ max_trials: 10, max_concurrent_trials: 1 }").Replace("learning_rate: [2.0e-5, 5.0e-5]", "learning_rate: [1.0e-3]");
        var snapshot = await RunAsync(name, yaml);
        Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
        foreach (var entry in snapshot.Trials.Where(t => !t.Baseline))
        {
            Assert.Equal(TrialStatus.Stopped, entry.Status);
            var trial = await fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>($"{name}/{entry.TrialId}").GetAsync();
            Assert.StartsWith("early termination at step 100: the evaluation failed", trial.Failure); // at once, before min_steps
        }
        Assert.Null(snapshot.BestTrialId);
    }

    [Fact]
    public async Task ABayesSweepOverASmallerSpaceThanMaxTrialsCompletes()
    {
        var yaml = """
            name: bayes-small
            method: bayes
            objective: { metric: stsb_validation_spearman_cosine }
            parameters:
              base_model: m
              loss: [cosine, cosent, matryoshka_cosine]
              learning_rate: 2.0e-5
            data: { train: stsb }
            limits: { max_trials: 8, max_concurrent_trials: 2 }
            """;
        var snapshot = await RunAsync("bayes-small", yaml);
        Assert.Equal(ExperimentStatus.Completed, snapshot.Status);
        Assert.Equal(3, snapshot.Trials.Count(t => !t.Baseline));
        Assert.All(snapshot.Trials, t => Assert.Equal(TrialStatus.Succeeded, t.Status));
    }

    [Fact]
    public async Task MinimizeMakesTheLowestValueBest()
    {
        var yaml = Sweep("minimize").Replace("objective: { metric: stsb_validation_spearman_cosine }", "objective: { metric: stsb_validation_spearman_cosine, goal: minimize }");
        var snapshot = await RunAsync("minimize", yaml);
        Assert.False(snapshot.Maximize);
        Assert.Contains("2e-05", snapshot.Trials.Single(t => t.TrialId == snapshot.BestTrialId).SettingsJson);
        var rows = Leaderboard.Rank(snapshot);
        Assert.Equal(snapshot.BestTrialId, rows.Single(r => r.Rank == 1 && !r.Baseline).TrialId);
    }

    [Fact]
    public async Task RetryRunsEndedTrialsAgainAsNewAttempts()
    {
        var yaml = Sweep("retry").Replace("learning_rate: [2.0e-5, 5.0e-5]", "learning_rate: [2.0e-5, 1.0e-3]");
        var first = await RunAsync("retry", yaml);
        var failed = first.Trials.Where(t => t.Status == TrialStatus.Failed).Select(t => t.TrialId).Order().ToList();
        Assert.Equal(2, failed.Count);
        var experiment = fixture.Cluster.GrainFactory.GetGrain<IExperimentGrain>("retry");

        var succeeded = first.Trials.First(t => t.Status == TrialStatus.Succeeded).TrialId;
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => experiment.RetryAsync([succeeded], failedOnly: false));
        Assert.Contains("succeeded; only failed, stopped or cancelled trials are retried", refused.Message);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => experiment.RetryAsync(["t-0000000000000000"], failedOnly: false));
        Assert.Contains("has no trial t-0000000000000000", unknown.Message);

        var retried = await experiment.RetryAsync([], failedOnly: true);
        Assert.Equal(failed, retried.Order());
        ExperimentSnapshot again;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await Task.Delay(50);
            again = await experiment.GetAsync();
        } while (again.Status == ExperimentStatus.Running && clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(ExperimentStatus.Completed, again.Status);
        foreach (var id in failed)
        {
            var trial = await fixture.Cluster.GrainFactory.GetGrain<ITrialGrain>($"retry/{id}").GetAsync();
            Assert.Equal(2, trial.Attempt); // a new attempt, which fails the same way (NaN is deterministic here)
            Assert.Equal(TrialStatus.Failed, trial.Status);
        }
    }
}
