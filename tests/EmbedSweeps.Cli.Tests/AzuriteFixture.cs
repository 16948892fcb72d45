using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Azurite (the repository's pinned npm package) on free loopback ports with its own data folder,
/// for tests that need Azure Storage; each test run also uses its own table and container prefix.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process process;

    public AzuriteFixture()
    {
        var azurite = Path.Combine(CliRunner.RepositoryRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite)) throw new InvalidOperationException($"{azurite} is missing: run `npm ci` in the repository (the CI script does).");
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var data = CliRunner.NewTemporaryDirectory();
        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { "--silent", "--location", data, "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{queue}", "--tableHost", "127.0.0.1", "--tablePort", $"{table}" })
            start.ArgumentList.Add(argument);
        process = Process.Start(start)!;
        WaitForPort(table);
        WaitForPort(blob);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
                           $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
                           $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public void Dispose()
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.Dispose();
    }

    private static void WaitForPort(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
