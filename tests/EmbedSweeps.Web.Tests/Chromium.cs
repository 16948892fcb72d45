using System.Diagnostics;
using Microsoft.Playwright;

namespace EmbedSweeps.Web.Tests;

/// <summary>Debian's Chromium under Playwright (it cannot download a browser here), and seeding a running cluster.</summary>
internal static class Chromium
{
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) => await playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium", Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
    });

    /// <summary>
    /// Runs a browser story; when it fails, the failure carries the last lines of each process's log, so a
    /// CI failure says what the cluster was doing (a page that never changes is otherwise all one sees).
    /// </summary>
    public static async Task WithProcessLogsAsync(Func<Task> story, params (string Name, Func<string> Log)[] processes)
    {
        try
        {
            await story();
        }
        catch (Exception failure)
        {
            var logs = string.Join("\n", processes.Select(p => $"--- {p.Name} log (last 60 lines)\n{string.Join("\n", p.Log().Split('\n').TakeLast(60))}"));
            throw new Xunit.Sdk.XunitException($"{failure.Message}\n{logs}", failure);
        }
    }

    /// <summary>Submits a sweep to the running cluster with the CLI (which connects as a client and returns).</summary>
    public static void Seed(ClusterEnvironment cluster, string sweep)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        cluster.ApplyTo(start);
        foreach (var argument in new[] { TestPaths.CliDll, "sweep", "run", sweep }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        Assert.Contains("the running cluster trains it", error);
    }
}
