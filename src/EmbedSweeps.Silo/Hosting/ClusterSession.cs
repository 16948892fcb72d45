using System.Net;
using System.Net.Sockets;
using EmbedSweeps.Client;
using EmbedSweeps.Grains.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Silo.Hosting;

/// <summary>
/// The cluster for one command. When a cluster is running on the configured storage (a live silo in
/// its membership table) the command connects to it as a client; otherwise it hosts a silo of its own
/// for its duration (roles trainer + web, or web only), which joins through the same table — so a
/// second command started meanwhile becomes its client instead of a rival silo.
/// </summary>
public sealed class ClusterSession(IHost host, EmbedSweepsClusterOptions options, bool embedded) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    /// <summary>The host's services: a hosted silo's storage providers, for benchmarks that seed storage.</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>The options this session reached the cluster with (its storage, for the audit trail and artifacts).</summary>
    public EmbedSweepsClusterOptions Options => options;

    /// <summary>True when this command hosts the silo: its trials stop when the command ends.</summary>
    public bool Embedded => embedded;

    /// <param name="hosting">This process's options, bound once (<see cref="HostingOptions.Bind"/>).</param>
    /// <param name="trainer">Whether a silo this command hosts also trains (else web only).</param>
    /// <exception cref="SettingException">The storage cannot be reached, or the running cluster refuses this machine's TLS settings.</exception>
    public static async Task<ClusterSession> StartAsync(HostingOptions hosting, bool trainer, CancellationToken cancellationToken)
    {
        var options = hosting.Cluster with
        {
            Roles = trainer ? new HashSet<string> { "trainer", "web" } : new HashSet<string> { "web" },
            SiloPort = FreePort(), GatewayPort = FreePort(),
        };
        if (await StorageProbe.ProblemAsync(options, cancellationToken) is { } problem) throw new SettingException(problem);

        if (await LiveCluster.HasLiveSiloAsync(options, cancellationToken))
        {
            var client = CommandHosts.Builder().ConfigureLogging(Quiet)
                .UseOrleansClient(c => c.AddEmbedSweepsClient(options).UseConnectionRetryFilter((_, _) => Task.FromResult(false)))
                .Build();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ConnectTimeout);
                await client.StartAsync(timeout.Token);
                return new ClusterSession(client, options, embedded: false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                // A gateway that answers but not in our terms (TLS on one side only, or a certificate of another CA) is a
                // configuration to fix, not a dead cluster to replace with a silo of our own.
                if (await GatewayProbe.ClusterTlsProblemAsync(options, cancellationToken) is { } tlsProblem) throw new SettingException(tlsProblem);
                // Its silos listed as live did not answer (killed within the last minute): run our own.
                Console.Error.WriteLine($"note: the cluster listed in storage did not answer ({e.Message.Split('\n')[0]}); starting a silo for this command.");
            }
        }

        // A silo of this machine killed a moment ago is still listed; taking over its ports retires its entry at once.
        if (await LiveCluster.DeadLoopbackEndpointAsync(options, cancellationToken) is { } reused)
        {
            try
            {
                return await HostSiloAsync(hosting, options with { SiloPort = reused.SiloPort, GatewayPort = reused.GatewayPort }, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Another command took those ports between the check and the bind: fresh ones, as without a dead entry.
            }
        }
        return await HostSiloAsync(hosting, options, cancellationToken);
    }

    private static async Task<ClusterSession> HostSiloAsync(HostingOptions hosting, EmbedSweepsClusterOptions options, CancellationToken cancellationToken)
    {
        // A web-only silo neither reads the trainer's settings nor looks for GPUs.
        var runner = options.Roles.Contains(SiloRoles.Trainer) ? TrainerSetup.RunnerOptions(hosting) : TrainerSetup.None;
        var host = CommandHosts.Builder().ConfigureLogging(Quiet)
            .UseOrleans(silo => silo.AddEmbedSweepsSilo(options, runner))
            .Build();
        // Orleans first checks that it can reach every silo listed as active; say what it waits for when that takes a while.
        using var slow = new Timer(_ => Console.Error.WriteLine(
            "still starting: Orleans is checking that it can reach every silo listed as active in storage; a silo killed within the last minute is declared dead within about 30 s."),
            null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        await CommandHosts.StartOrDisposeAsync(host, cancellationToken);
        return new ClusterSession(host, options, embedded: true);
    }

    private static void Quiet(ILoggingBuilder logging) =>
        // stderr only: stdout carries the command's output (--json).
        logging.ClearProviders().AddSimpleConsole(c => c.SingleLine = true).AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Error).AddFilter("Orleans", LogLevel.Critical)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None).AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool disposed;

    /// <summary>Stops the client, or the hosted silo (its workers first); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)); // within the CLI's Interrupts.Grace
        try { await host.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        host.Dispose();
    }
}
