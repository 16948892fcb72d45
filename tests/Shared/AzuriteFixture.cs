using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EmbedSweeps.Testing;

/// <summary>
/// Azurite (the repository's pinned npm package) on free loopback ports with its own data folder, for
/// tests that need Azure Storage; each test also uses its own table and container prefix. It can be
/// stopped and started again on the same ports and data, to play a storage outage.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private (int Blob, int Queue, int Table) ports;
    private readonly string data = Directory.CreateTempSubdirectory("embedsweeps-azurite-").FullName;
    private Process? process;

    public AzuriteFixture()
    {
        // A port found free can be taken before Azurite binds it (by any process's outgoing connection, under load): Azurite
        // then exits at once, and a fresh set of ports is tried.
        for (var attempt = 1; ; attempt++)
        {
            ports = (TestPaths.FreePort(), TestPaths.FreePort(), TestPaths.FreePort());
            try
            {
                Start();
                break;
            }
            catch (IOException) when (attempt < 3)
            {
                Stop();
            }
        }
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
                           $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports.Queue}/devstoreaccount1;" +
                           $"TableEndpoint=http://127.0.0.1:{ports.Table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public void Start()
    {
        var azurite = Path.Combine(TestPaths.RepositoryRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite)) throw new InvalidOperationException($"{azurite} is missing: run `npm ci` in the repository (the CI script does).");
        var start = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--silent", "--location", data, "--blobHost", "127.0.0.1", "--blobPort", $"{ports.Blob}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{ports.Queue}", "--tableHost", "127.0.0.1", "--tablePort", $"{ports.Table}" })
            start.ArgumentList.Add(argument);
        process = Process.Start(start)!;
        WaitForPort(process, ports.Table);
        WaitForPort(process, ports.Blob);
    }

    /// <summary>Stops Azurite gracefully (SIGTERM, so it saves its data); <see cref="Start"/> brings it back on the same data.</summary>
    public void Stop()
    {
        if (process is null) return;
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", $"{process.Id}"])) term.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        process.WaitForExit();
        process.Dispose();
        process = null;
    }

    public void Dispose()
    {
        Stop();
        TestPaths.DeleteQuietly(data); // the blobs of every trial model the tests uploaded
    }

    private static void WaitForPort(Process azurite, int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (azurite.HasExited) throw new IOException($"Azurite exited with code {azurite.ExitCode} before listening on port {port}: {azurite.StandardError.ReadToEnd().Trim()}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(200);
            }
        }
        throw new TimeoutException($"Azurite did not listen on port {port} within 30 s.");
    }

}
