using System.Diagnostics;
using System.Text.Json;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM end `sweep run` within seconds, exit 130, with no stack trace: a command that hosts its
/// silo stops its workers and leaves the running trials to resume; the next run continues them from their checkpoints.
/// A silo killed with SIGKILL does not hold up the next command's start.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class InterruptTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly ClusterEnvironment environment;

    public InterruptTests(AzuriteFixture azurite) => environment = new ClusterEnvironment(azurite);

    public void Dispose() => environment.Dispose();

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void AnInterruptedRunStopsItsWorkersAndTheNextRunResumesThem(string signal)
    {
        var name = $"interrupt-{signal.ToLowerInvariant()}";
        var sweep = TinySweeps.Write(CliRunner.NewTemporaryDirectory(), name, maxSamples: 4000, maxSteps: 400, training: "checkpoint_steps: 20");
        // Earlier runs of this test leave their trials' folders (and checkpoints) behind: start without them.
        var trialFolders = Path.Combine(TestPaths.RepositoryRoot, ".embedsweeps", "trials", name);
        if (Directory.Exists(trialFolders)) Directory.Delete(trialFolders, recursive: true);
        using var run = CliProcess.Start(environment, "sweep", "run", sweep);
        Assert.True(run.WaitForLine(l => l.Contains("1 running") && l.Contains("1 succeeded"), TimeSpan.FromMinutes(2)), run.Log);
        Assert.True(CheckpointWritten(name, TimeSpan.FromMinutes(1)), run.Log);

        // The terminal sends Ctrl-C to the whole foreground group: the worker gets it too, and must not report a result.
        var workers = Workers(name);
        Assert.NotEmpty(workers);
        var clock = Stopwatch.StartNew();
        CliProcess.Signal(run.Id, signal);
        if (signal == "INT") foreach (var worker in workers) CliProcess.Signal(worker, signal);
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(25)), run.Log);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed} to stop\n{run.Log}");
        Assert.Equal(130, run.ExitCode);
        Assert.Contains($"Run `embedsweeps sweep run {sweep}` to continue", run.Log);
        Assert.DoesNotContain("Exception", run.Log);
        Assert.DoesNotContain("   at ", run.Log);
        var gone = Stopwatch.StartNew();
        while (Workers(name).Count > 0 && gone.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(200);
        Assert.Empty(Workers(name));

        var again = environment.Run("sweep", "run", sweep, "--json");
        Assert.True(again.ExitCode == 0, again.Error);
        var trials = JsonDocument.Parse(again.Output).RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.All(trials, t => Assert.Equal("succeeded", t.GetProperty("status").GetString()));
        Assert.All(trials, t => Assert.Equal(JsonValueKind.Null, t.GetProperty("failure").ValueKind)); // a stop is not a failure
        var resumed = Assert.Single(trials, t => t.GetProperty("attempts").GetInt32() == 2);
        // Attempt 2 resumed from the checkpoint attempt 1 left (the runner writes the worker's spec under the trial's folder).
        var spec = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, ".embedsweeps", "trials", name, resumed.GetProperty("trial_id").GetString()!, "trial-attempt-2.json"));
        Assert.DoesNotContain("\"resume\":null", spec);
    }

    [Fact]
    public void CtrlCWhileTheSiloStartsEndsTheCommandWithoutAStackTrace()
    {
        var sweep = TinySweeps.Write(CliRunner.NewTemporaryDirectory(), "interrupt-start", maxSamples: 64, maxSteps: 4);
        foreach (var delay in new[] { 1000, 2500 })
        {
            using var run = CliProcess.Start(environment, "sweep", "run", sweep);
            Thread.Sleep(delay);
            CliProcess.Signal(run.Id, "INT");
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(25)), run.Log);
            Assert.Equal(130, run.ExitCode);
            Assert.DoesNotContain("Exception", run.Log);
            Assert.DoesNotContain("   at ", run.Log);
        }
    }

    [Fact]
    public void AfterASilosSigkillTheNextCommandStartsInSeconds()
    {
        var sweep = TinySweeps.Write(CliRunner.NewTemporaryDirectory(), "interrupt-kill", maxSamples: 4000, maxSteps: 400);
        using (var run = CliProcess.Start(environment, "sweep", "run", sweep))
        {
            Assert.True(run.WaitForLine(l => l.Contains("running"), TimeSpan.FromMinutes(2)), run.Log);
            run.Kill();
        }
        var clock = Stopwatch.StartNew();
        var status = environment.Run("sweep", "status", "interrupt-kill");
        Assert.True(status.ExitCode == 0, status.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}: {status.Error}"); // was 25–40 s
        environment.Run("sweep", "cancel", "interrupt-kill");
    }

    // A running trial's checkpoint (.embedsweeps/trials/SWEEP/TRIAL/model/checkpoints/step-N, renamed from .partial when complete).
    private static bool CheckpointWritten(string sweepName, TimeSpan timeout)
    {
        var trials = Path.Combine(TestPaths.RepositoryRoot, ".embedsweeps", "trials", sweepName);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Directory.Exists(trials) && Directory.EnumerateDirectories(trials, "step-*", SearchOption.AllDirectories).Any(d => !d.EndsWith(".partial", StringComparison.Ordinal)))
                return true;
            Thread.Sleep(200);
        }
        return false;
    }

    private static List<int> Workers(string sweepName) =>
        Process.GetProcessesByName("dotnet").Where(p =>
        {
            try
            {
                var command = File.ReadAllText($"/proc/{p.Id}/cmdline");
                return command.Contains("trial-worker") && command.Contains(sweepName);
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }).Select(p => p.Id).ToList();
}

/// <summary>The CLI in a process of its own (for signals), with its stderr collected line by line.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];

    private CliProcess(Process process) => this.process = process;

    public static CliProcess Start(ClusterEnvironment cluster, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        cluster.ApplyTo(start); // its settings file too, as CliRunner: one state folder
        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var argument in args) start.ArgumentList.Add(argument);
        var cli = new CliProcess(Process.Start(start)!);
        cli.process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli.lines) cli.lines.Add(e.Data); };
        cli.process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli.lines) cli.lines.Add(e.Data); };
        cli.process.BeginErrorReadLine();
        cli.process.BeginOutputReadLine();
        return cli;
    }

    public int Id => process.Id;

    public int ExitCode => process.ExitCode;

    public string Log
    {
        get { lock (lines) return string.Join("\n", lines); }
    }

    public bool WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            lock (lines) if (lines.Any(match)) return true;
            if (process.HasExited) return false;
            Thread.Sleep(200);
        }
        return false;
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout)) return false;
        process.WaitForExit(); // drain the output
        return true;
    }

    public void Kill()
    {
        process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    public static void Signal(int pid, string signal) => Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
