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
        HostingOptions.Bind(EmbedSweepsConfiguration.FromVariables(variables), () => "/default/state", () => ThisWorker);

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

    [Fact]
    public void AzuritesWellKnownAccountIsDevelopmentToo()
    {
        var options = Bind(new() { ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=x;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" });
        Assert.Equal("development (Azurite)", options.Describe());
    }

    // Storage no one listens on: a command that got past the settings would fail on it, never reach a real cluster.
    private const string Unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;" +
                                       "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    [Theory]
    [InlineData("EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS", "0", "EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS=0: give a whole number, 1 or more.", "sweep list")]
    [InlineData("EMBEDSWEEPS__CLUSTER__LISTEN", "everywhere", "EMBEDSWEEPS__CLUSTER__LISTEN=everywhere is not an IP address (e.g. 0.0.0.0 or 10.0.0.5).", "sweep list")]
    [InlineData("EMBEDSWEEPS__TRAINER__SLOTS", "two", "EMBEDSWEEPS__TRAINER__SLOTS=two: give a whole number, 0 or more.", "silo --role trainer")]
    [InlineData("EMBEDSWEEPS__TRAINER__GPUS", "0;1", "EMBEDSWEEPS__TRAINER__GPUS: '0;1' is not a list of GPU ids", "silo --role trainer")]
    public void AMalformedValueIsOneLineNamingItsVariableAndExit2(string variable, string value, string message, string command)
    {
        var run = CliRunner.Run(new Dictionary<string, string> { [variable] = value, ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = Unreachable }, command.Split(' '));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {message}", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void AClientOfTheClusterIsNotStoppedByTheTrainersSettings()
    {
        // `sweep list` hosts no trainer (only a web silo when no cluster runs): the trainer's settings are never bound.
        var run = CliRunner.Run(new Dictionary<string, string> { ["EMBEDSWEEPS__TRAINER__SLOTS"] = "two", ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = Unreachable }, "sweep", "list");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("storage at http://127.0.0.1:1/devstoreaccount1 cannot be reached", run.Error);
        Assert.DoesNotContain("SLOTS", run.Error);
    }

    [Fact]
    public void ARunsVariablesDoNotOutliveIt()
    {
        var first = CliRunner.Run(new Dictionary<string, string> { ["EMBEDSWEEPS__TRAINER__SLOTS"] = "-1", ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = Unreachable }, "silo", "--role", "trainer");
        Assert.Contains("EMBEDSWEEPS__TRAINER__SLOTS=-1", first.Error);
        // The next run is not given it: it gets past the trainer's settings and stops at the storage.
        var second = CliRunner.Run(new Dictionary<string, string> { ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = Unreachable }, "silo", "--role", "trainer");
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("cannot be reached", second.Error);
        Assert.DoesNotContain("SLOTS", second.Error);
    }
}
