using System.Net;
using EmbedSweeps.Client;
using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Settings are bound once from the variables a run is given (<see cref="EmbedSweepsConfiguration"/>, <see cref="HostingOptions"/>):
/// section-style names, the old single-underscore ones, defaults, and a malformed value as one sentence naming its variable.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class HostingOptionsTests
{
    private static readonly WorkerCommand ThisWorker = new("/usr/bin/embedsweeps", [], new Dictionary<string, string>());

    private static HostingOptions Bind(Dictionary<string, string> variables) =>
        HostingOptions.Bind(EmbedSweepsConfiguration.FromVariables(variables), "/default/state", ThisWorker);

    [Fact]
    public void NothingSetMeansAzuriteOnLoopbackWithTheDefaults()
    {
        var options = Bind([]);
        Assert.True(options.IsDevelopment);
        Assert.Equal(EmbedSweepsClusterOptions.DevelopmentStorage, options.Cluster.ConnectionString);
        Assert.Equal("embedsweeps", options.Cluster.StoragePrefix);
        Assert.Equal(IPAddress.Loopback, options.Cluster.ListenAddress);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Cluster.ReminderPeriod);
        Assert.Null(options.Cluster.Tls);
        Assert.Equal(new TrainerOptions(null, null), options.Trainer);
        Assert.Equal("/default/state", options.StateDirectory);
        Assert.Same(ThisWorker, options.Worker);
    }

    [Fact]
    public void EverySettingIsReadFromItsVariable()
    {
        var options = Bind(new()
        {
            ["EMBEDSWEEPS__STORAGE__ACCOUNTNAME"] = "sweepsprod",
            ["EMBEDSWEEPS__STORAGE__PREFIX"] = "team-a",
            ["EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS"] = "5",
            ["EMBEDSWEEPS__CLUSTER__LISTEN"] = "0.0.0.0",
            ["EMBEDSWEEPS__CLUSTER__ADVERTISE"] = "10.0.0.5",
            ["embedsweeps__cluster__insecure"] = "TRUE", // names and flags in any case, as ASP.NET Core reads them
            ["EMBEDSWEEPS__TRAINER__SLOTS"] = "3",
            ["EMBEDSWEEPS__TRAINER__GPUS"] = "0,1",
            ["EMBEDSWEEPS_HOME"] = "/data/embedsweeps",
            ["EMBEDSWEEPS_WORKER"] = "/build/embedsweeps.dll",
        });
        Assert.False(options.IsDevelopment);
        Assert.Equal("production (storage account sweepsprod (managed identity))", options.Describe());
        Assert.Equal("team-a", options.Cluster.StoragePrefix);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Cluster.ReminderPeriod);
        Assert.Equal(IPAddress.Any, options.Cluster.ListenAddress);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), options.Cluster.Advertised);
        Assert.True(options.Cluster.Insecure);
        Assert.Equal(new TrainerOptions(3, "0,1"), options.Trainer);
        Assert.Equal("/data/embedsweeps", options.StateDirectory);
        Assert.Equal(("dotnet", "/build/embedsweeps.dll"), (options.Worker.Program, Assert.Single(options.Worker.Arguments)));
    }

    [Fact]
    public void TheSectionStyleNameWinsOverTheOldOne()
    {
        var options = Bind(new() { ["EMBEDSWEEPS_HOME"] = "/old", ["EMBEDSWEEPS__HOME"] = "/new" });
        Assert.Equal("/new", options.StateDirectory);
    }

    [Theory]
    [InlineData("EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS", "0", "EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS=0: give a whole number, 1 or more.")]
    [InlineData("EMBEDSWEEPS__TRAINER__SLOTS", "two", "EMBEDSWEEPS__TRAINER__SLOTS=two: give a whole number, 0 or more.")]
    [InlineData("EMBEDSWEEPS__CLUSTER__LISTEN", "everywhere", "EMBEDSWEEPS__CLUSTER__LISTEN=everywhere is not an IP address (e.g. 0.0.0.0 or 10.0.0.5).")]
    public void AMalformedValueNamesItsVariable(string variable, string value, string message)
    {
        Assert.Equal(message, Assert.Throws<SettingException>(() => Bind(new() { [variable] = value })).Message);
        // The CLI says the same in one line and exits 2, from the variables handed to that run alone.
        var run = CliRunner.Run(new Dictionary<string, string> { [variable] = value }, "sweep", "list");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {message}", run.Error.Trim());
    }

    [Fact]
    public void ARunsVariablesDoNotOutliveIt()
    {
        var first = CliRunner.Run(new Dictionary<string, string> { ["EMBEDSWEEPS__TRAINER__SLOTS"] = "-1" }, "sweep", "list");
        Assert.Contains("EMBEDSWEEPS__TRAINER__SLOTS=-1", first.Error);
        // The next run is given none: whatever it meets (storage or no storage here), it is not the first run's setting.
        var second = CliRunner.Run("sweep", "list");
        Assert.DoesNotContain("EMBEDSWEEPS__TRAINER__SLOTS", second.Error);
    }
}
