using System.Net;
using System.Net.Sockets;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Grains;
using EmbedSweeps.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>
/// An embedded silo for the duration of one command (roles trainer + web, or web only), on the
/// configured storage, so a sweep can run and be inspected with nothing else started.
/// </summary>
internal sealed class ClusterSession(IHost host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterSession> StartAsync(bool trainer, CancellationToken cancellationToken)
    {
        var options = EmbedSweepsClusterOptions.FromEnvironment() with
        {
            Roles = trainer ? new HashSet<string> { "trainer", "web" } : new HashSet<string> { "web" },
            SiloPort = FreePort(), GatewayPort = FreePort(),
        };
        if (await StorageProbe.ProblemAsync(options.ConnectionString, cancellationToken) is { } problem) throw new EmbedSweepsException(problem);

        var home = Path.GetDirectoryName(Runtime.Settings.Source ?? Path.Combine(Directory.GetCurrentDirectory(), "x"))!;
        var runner = new TrialRunnerOptions
        {
            Slots = int.TryParse(Environment.GetEnvironmentVariable("EMBEDSWEEPS__TRAINER__SLOTS"), out var slots) ? slots : 1,
            TrialsRoot = Path.Combine(home, ".embedsweeps", "trials"),
            WorkerProgram = WorkerProgram(),
            WorkerArguments = WorkerArguments(),
            WorkerEnvironment = Runtime.Settings.Source is { } source ? new Dictionary<string, string> { ["EMBEDSWEEPS_SETTINGS"] = source } : new Dictionary<string, string>(),
        };
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Error)
                .AddFilter("Orleans", LogLevel.Critical))
            .UseOrleans(silo => silo.AddEmbedSweepsSilo(options, runner))
            .Build();
        await host.StartAsync(cancellationToken);
        return new ClusterSession(host);
    }

    // The worker is this program: `embedsweeps trial-worker`. EMBEDSWEEPS_WORKER names its .dll when the host is not the CLI itself (tests).
    private static string WorkerProgram() =>
        Environment.GetEnvironmentVariable("EMBEDSWEEPS_WORKER") is { Length: > 0 } ? "dotnet" : Environment.ProcessPath ?? "dotnet";

    private static IReadOnlyList<string> WorkerArguments()
    {
        if (Environment.GetEnvironmentVariable("EMBEDSWEEPS_WORKER") is { Length: > 0 } worker) return [worker];
        var processName = Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "");
        return processName == "dotnet" ? [typeof(ClusterSession).Assembly.Location] : [];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await host.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        host.Dispose();
    }
}
