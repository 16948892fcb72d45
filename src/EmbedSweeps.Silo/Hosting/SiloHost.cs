using EmbedSweeps.Client;
using EmbedSweeps.Grains.Placement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Silo.Hosting;

/// <summary>
/// A long-lived silo (<c>silo</c>, <c>serve --host-silo</c>): joins the cluster through the membership table
/// of the configured storage and runs until stopped; it listens on loopback unless told to listen on a network
/// address (<see cref="ListenOptions"/>), which needs TLS (<see cref="ClusterTls"/>) or an explicit --insecure.
/// </summary>
public sealed class SiloHost(IHost host) : IAsyncDisposable
{
    /// <param name="hosting">This process's options, bound once (<see cref="HostingOptions.Bind"/>).</param>
    /// <param name="role">trainer, web or all.</param>
    /// <param name="slots">Trials at once (trainer role); null: <see cref="TrainerOptions.Slots"/>, else one per GPU or one on CPU.</param>
    /// <param name="gpus">The GPUs to train on; null: <see cref="TrainerOptions.Gpus"/>, else auto.</param>
    /// <exception cref="SettingException">Listening beyond loopback without TLS, unreachable storage, or a malformed trainer setting.</exception>
    public static async Task<SiloHost> StartAsync(HostingOptions hosting, string role, int port, int gatewayPort, int? slots, string? gpus, ListenOptions listen,
        CancellationToken cancellationToken)
    {
        var options = hosting.Cluster;
        options = options with
        {
            Embedded = false, SiloPort = port, GatewayPort = gatewayPort,
            Roles = role == "all" ? new HashSet<string> { "trainer", "web" } : new HashSet<string> { role },
            ListenAddress = listen.Listen ?? options.ListenAddress, AdvertiseAddress = listen.Advertise ?? options.AdvertiseAddress,
            Insecure = listen.Insecure || options.Insecure,
        };
        // This machine's own settings first, then the network: a wrong slot count is reported without waiting on storage.
        var trainer = options.Roles.Contains(SiloRoles.Trainer);
        var runner = trainer ? TrainerSetup.RunnerOptions(hosting, slots, gpus) : TrainerSetup.None;
        if (options.ListenProblem() is { } listenProblem) throw new SettingException(listenProblem);
        if (options.ListenNotice() is { } notice) Console.Error.WriteLine(notice);
        if (await StorageProbe.ProblemAsync(options, cancellationToken) is { } problem) throw new SettingException(problem);
        var host = CommandHosts.Builder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo => silo.AddEmbedSweepsSilo(options, runner))
            .Build();
        var capacity = !trainer ? "" : runner.Gpus.Count == 0
            ? $", {runner.Slots} trial slot(s) on CPU"
            : $", {runner.Slots} trial slot(s) on GPU {string.Join(",", runner.Gpus)}";
        Console.Error.WriteLine($"silo ({role}{capacity}) joining cluster '{options.ClusterId}' on {options.ListenAddress}, ports {port}/{gatewayPort}; {hosting.Describe()} ...");
        await CommandHosts.StartOrDisposeAsync(host, cancellationToken);
        Console.Error.WriteLine($"silo ({role}) ready, process {Environment.ProcessId}; Ctrl+C to stop.");
        return new SiloHost(host);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => host.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)); // within the CLI's Interrupts.Grace
        try { await host.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        host.Dispose();
    }
}
