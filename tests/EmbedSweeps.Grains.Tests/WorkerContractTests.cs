using System.Text.Json;
using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains.Tests;

/// <summary>The runner and the worker speak through one typed contract; its JSON is what both read and write.</summary>
public sealed class WorkerContractTests
{
    [Fact]
    public void EveryEventTravelsAsOneLineWithItsKindFirstAndComesBackTheSame()
    {
        WorkerEvent[] events =
        [
            new WorkerStarted("cpu", Examples: 120),
            new WorkerTraining(100, 3200, 10) { Step = 0 },
            new WorkerLog(100, 0.25, 1.5, 2e-5, 0.9, 31.2) { Step = 10 },
            new WorkerCheckpoint(100, "/models/t/checkpoints/step-50") { Step = 50 },
            new WorkerError("base_model is required."),
        ];
        foreach (var message in events.Select(e => e with { TrialId = "t-0123456789abcdef", Attempt = 2 }))
        {
            var line = WorkerJson.Write(message);

            Assert.StartsWith("{\"event\":", line);
            Assert.DoesNotContain('\n', line);
            Assert.Equal(message, WorkerJson.TryRead(line));
        }
    }

    [Fact]
    public void MetricsThatAreNotNumbersTravelAsNaN()
    {
        var result = new WorkerResult(100, "stsb_validation_spearman_cosine", double.NaN,
            new Dictionary<string, double> { ["stsb_validation_spearman_cosine"] = double.NaN, ["banking77_accuracy"] = 0.8 }, "/out", BestStep: 80) { Attempt = 1 };

        var line = WorkerJson.Write(result);
        var back = Assert.IsType<WorkerResult>(WorkerJson.TryRead(line));

        Assert.Contains("\"objective_value\":\"NaN\"", line);
        Assert.True(double.IsNaN(back.Metrics["stsb_validation_spearman_cosine"]));
        Assert.Equal(0.8, back.Metrics["banking77_accuracy"]);
        Assert.Equal(80, back.BestStep);
        var baseline = WorkerJson.TryRead(WorkerJson.Write(result with { BestStep = null }));
        Assert.Null(Assert.IsType<WorkerResult>(baseline).BestStep); // left out of the line, and still read
    }

    [Theory]
    [InlineData("loading weights …")]
    [InlineData("{\"event\":\"telemetry\",\"step\":1}")]
    [InlineData("{\"not\":\"ours\"}")]
    [InlineData("{\"event\":\"log\",\"step\":")]
    public void ALineThatIsNotAnEventIsNotRead(string line) => Assert.Null(WorkerJson.TryRead(line));

    [Fact]
    public void ASpecNeedsItsTrialObjectiveOutputAndSettingsAndDefaultsTheRest()
    {
        var spec = WorkerJson.ReadSpec("""{"trial_id":"t-1","objective":"m","output":"/o","settings":{"loss":"mnrl","batch_size":16}}""");

        Assert.Equal((1, "auto", null, false, WorkerSpec.CurrentVersion), (spec.Attempt, spec.Device, spec.Resume, spec.ExitWithParent, spec.Version));
        Assert.Equal(16, spec.Settings["batch_size"].GetInt32());
        Assert.Throws<JsonException>(() => WorkerJson.ReadSpec("""{"objective":"m","output":"/o","settings":{}}"""));
        var written = WorkerJson.ReadSpec(WorkerJson.Write(spec with { Gpu = "1", Resume = "/o" }));
        Assert.Equal(("1", "/o"), (written.Gpu, written.Resume));
    }
}
