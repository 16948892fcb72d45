using System.CommandLine;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps silo --role trainer|web|all</c>: a long-lived silo that joins the cluster through
/// the Azure Table membership of the configured storage account; runs until stopped (Ctrl+C, SIGTERM).
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "trainer (runs trials), web, or all.", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("trainer", "web", "all");
        var port = new Option<int>("--port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gateway = new Option<int>("--gateway-port") { Description = "Client gateway port.", DefaultValueFactory = _ => 30000 };
        var slots = new Option<int>("--slots") { Description = "Trials this silo runs at once (trainer role).", DefaultValueFactory = _ => 1 };
        var command = new Command("silo", "Run a long-lived silo that joins the EmbedSweeps cluster.") { role, port, gateway, slots };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var chosen = result.GetValue(role)!;
            var options = EmbedSweepsClusterOptions.FromEnvironment() with
            {
                Embedded = false, SiloPort = result.GetValue(port), GatewayPort = result.GetValue(gateway),
                Roles = chosen == "all" ? new HashSet<string> { "trainer", "web" } : new HashSet<string> { chosen },
            };
            if (await StorageProbe.ProblemAsync(options.ConnectionString, cancellationToken) is { } problem) throw new EmbedSweepsException(problem);
            var runner = TrialWorkers.Options(result.GetValue(slots));
            using var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .UseOrleans(silo => silo.AddEmbedSweepsSilo(options, runner))
                .Build();
            Console.Error.WriteLine($"silo ({chosen}) joining cluster '{options.ClusterId}' on ports {options.SiloPort}/{options.GatewayPort} ...");
            await host.StartAsync(cancellationToken);
            Console.Error.WriteLine($"silo ({chosen}) ready, process {Environment.ProcessId}; Ctrl+C to stop.");
            await host.WaitForShutdownAsync(cancellationToken);
            return CommandLine.Success;
        }));
        return command;
    }
}
