using System.Net;
using System.Net.Sockets;
using EmbedSweeps.Embeddings;
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

        var runner = TrialWorkers.Options(int.TryParse(Environment.GetEnvironmentVariable("EMBEDSWEEPS__TRAINER__SLOTS"), out var slots) ? slots : 1);
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Error)
                .AddFilter("Orleans", LogLevel.Critical))
            .UseOrleans(silo => silo.AddEmbedSweepsSilo(options, runner))
            .Build();
        await host.StartAsync(cancellationToken);
        return new ClusterSession(host);
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
