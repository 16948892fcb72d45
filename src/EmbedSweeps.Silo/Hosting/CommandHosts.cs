using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Silo.Hosting;

/// <summary>
/// The lifetime of a host (silo or client) that a command runs: it starts and stops when the command says, and leaves
/// Ctrl-C and SIGTERM to the command (the CLI's Interrupts). The default console lifetime would catch them itself and stop the
/// host underneath a command that is still following a sweep through it.
/// </summary>
public sealed class CommandHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class CommandHosts
{
    /// <summary>A host builder for a command: its lifetime is the command's, and start-up that is cancelled logs no stack trace.</summary>
    public static IHostBuilder Builder() => Host.CreateDefaultBuilder()
        .ConfigureServices(services => services.AddSingleton<IHostLifetime, CommandHostLifetime>())
        .ConfigureLogging(logging => logging
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));

    /// <summary>Starts <paramref name="host"/>; if start-up fails or is cancelled, stops and disposes it before rethrowing.</summary>
    public static async Task StartOrDisposeAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await host.StopAsync(timeout.Token); }
            catch (Exception e) when (e is OperationCanceledException or OrleansException or InvalidOperationException) { }
            host.Dispose();
            // Orleans reports a start cancelled part-way as OrleansLifecycleCanceledException: it is still a cancellation.
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
    }
}
