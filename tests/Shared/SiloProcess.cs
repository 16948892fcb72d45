using System.Diagnostics;

namespace EmbedSweeps.Testing;

/// <summary>A long-lived <c>embedsweeps silo</c> in its own process, as a user would start one; stopped (SIGTERM, then SIGKILL) on dispose.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> log = [];

    /// <param name="cluster">The test's storage and worker settings.</param>
    /// <param name="arguments">More <c>silo</c> options, e.g. <c>--gpus 0,1</c>.</param>
    /// <param name="environment">Variables for this silo only (on top of <paramref name="cluster"/>'s).</param>
    public SiloProcess(ClusterEnvironment cluster, string role, int slots, string[]? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { TestPaths.CliDll, "silo", "--role", role, "--slots", $"{slots}" }.Concat(arguments ?? []))
            start.ArgumentList.Add(argument);
        // Free ports unless the test chose them.
        foreach (var option in new[] { "--port", "--gateway-port" })
            if (!(arguments ?? []).Contains(option)) { start.ArgumentList.Add(option); start.ArgumentList.Add($"{TestPaths.FreePort()}"); }
        // A test machine's own GPUs must not change what a test's silo does unless the test says so.
        if (!(arguments ?? []).Contains("--gpus")) start.ArgumentList.Add("--gpus=none");
        cluster.ApplyTo(start, environment);
        process = Process.Start(start)!;
        var ready = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.Add(e.Data);
            if (e.Data.Contains("ready")) ready.Set();
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(90))) throw new TimeoutException($"the {role} silo did not start:\n{Log}");
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Log { get { lock (log) return string.Join("\n", log); } }

    public void Kill()
    {
        process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", $"{process.Id}"])) term.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20))) process.Kill(entireProcessTree: true);
        }
        process.Dispose();
    }

}
