namespace EmbedSweeps.Testing;

/// <summary>Where the repository, the shared models and data, and scratch folders are for a test run.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>../shared: the local mirror of models and data sets (CI has it too).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>The build configuration these tests were built in (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>
    /// The CLI as built in its own project (with its own runtimeconfig and dependencies): what silo and
    /// worker processes run. A copy in a test's output may sit beside another framework's assemblies.
    /// </summary>
    public static string CliDll => Path.Combine(RepositoryRoot, "src", "EmbedSweeps.Cli", "bin", Configuration, "net10.0", "linux-x64", "embedsweeps.dll");

    /// <summary>A TCP port free on loopback right now (for Azurite, silos and the web app in tests).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh folder under this test process's own scratch root, which is deleted when the process exits.</summary>
    public static string NewTemporaryDirectory()
    {
        var path = Path.Combine(ScratchRoot.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    // Models, checkpoints and trial folders add up to gigabytes a run: without this a machine that runs the suite
    // repeatedly fills its disk (it did: 55 GB under /tmp after a few sessions).
    // The test host is not always let run its exit handlers, so each run also removes the roots of test processes gone.
    private static readonly Lazy<string> ScratchRoot = new(() =>
    {
        var parent = Path.Combine(Path.GetTempPath(), "embedsweeps-tests");
        Directory.CreateDirectory(parent);
        foreach (var stale in Directory.EnumerateDirectories(parent))
            if (int.TryParse(Path.GetFileName(stale).Split('-')[0], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                DeleteQuietly(stale);
        var root = Path.Combine(parent, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);
        return root;
    });

    /// <summary>Deletes a folder tree, ignoring what cannot be deleted (a file a child process still holds).</summary>
    public static void DeleteQuietly(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "EmbedSweeps.sln"))) return directory.FullName;
        throw new InvalidOperationException("EmbedSweeps.sln not found above the test binaries.");
    }
}
