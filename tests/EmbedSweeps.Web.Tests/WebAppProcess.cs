using System.Diagnostics;

namespace EmbedSweeps.Web.Tests;

/// <summary>
/// The built web app in its own process, as `./embedsweeps serve` runs it: Development environment (so
/// static assets are served from the build output), on a free loopback port, with an admin password.
/// </summary>
internal sealed class WebAppProcess : IDisposable
{
    public const string AdminPassword = "e2e-secret-password";
    private readonly Process process;
    private readonly List<string> log = [];

    /// <param name="cluster">The test's storage settings; null: those of <paramref name="environment"/> alone.</param>
    /// <param name="environment">Variables for this app only (on top of <paramref name="cluster"/>'s).</param>
    /// <param name="readyLine">The log line that says it is ready (default: ASP.NET Core's "Application started").</param>
    public WebAppProcess(ClusterEnvironment? cluster, IReadOnlyDictionary<string, string>? environment = null, string readyLine = "Application started")
    {
        var configuration = TestPaths.Configuration;
        var project = Path.Combine(TestPaths.RepositoryRoot, "web", "EmbedSweeps.Web");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "linux-x64", "EmbedSweeps.Web.dll");
        var port = TestPaths.FreePort();
        Url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = Url;
        start.Environment["EMBEDSWEEPS__WEB__ADMINPASSWORD"] = AdminPassword;
        cluster?.ApplyTo(start);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        process = Process.Start(start)!;
        var started = new ManualResetEventSlim();
        void Collect(string? line)
        {
            if (line is null) return;
            lock (log) log.Add(line);
            if (line.Contains(readyLine)) started.Set();
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!started.Wait(TimeSpan.FromSeconds(90))) throw new TimeoutException($"the web app did not start:\n{Log}");
    }

    public string Url { get; }

    /// <summary>Waits for the app to exit by itself; its exit code, or null if it still runs after <paramref name="patience"/>.</summary>
    public int? WaitForExit(TimeSpan patience) => process.WaitForExit(patience) ? process.ExitCode : null;

    public string Log { get { lock (log) return string.Join("\n", log); } }

    public void Dispose()
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.WaitForExit();
        process.Dispose();
    }

}
