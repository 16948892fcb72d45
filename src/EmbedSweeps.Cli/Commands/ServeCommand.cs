using System.CommandLine;
using System.Diagnostics;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Client;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps serve [--urls URL]</c>: the web leaderboard. Uses the cluster running on the configured
/// storage, or — when none runs — hosts a silo (trainer + web, or web only with <c>--role web</c>) for as
/// long as it serves, then runs the published web app (<c>EMBEDSWEEPS_WEB</c>, set by ./embedsweeps) as
/// that cluster's client until Ctrl+C.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the web app listens.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var role = new Option<string>("--role") { Description = "Roles of the silo it hosts when no cluster runs: all (trainer + web) or web.", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("all", "web");
        var hostSilo = new Option<bool>("--host-silo") { Description = "Always host a long-lived silo reachable from other machines (containers: the web service keeps the cluster up when trainers scale to zero)." };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port (with --host-silo).", DefaultValueFactory = _ => 11111 };
        var gateway = new Option<int>("--gateway-port") { Description = "Client gateway port (with --host-silo).", DefaultValueFactory = _ => 30000 };
        var command = new Command("serve", "Serve the web leaderboard (default http://127.0.0.1:5080).") { urls, role, hostSilo, port, gateway };
        var listen = new ListenCommandOptions(); // for the silo of --host-silo
        listen.AddTo(command);
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var web = result.Configuration().Text("Serve:App") is { } path && File.Exists(path)
                ? path
                : throw new EmbedSweepsException("serve: the web app is not built here; run `./embedsweeps serve` from the repository (it publishes web/EmbedSweeps.Web), or set EMBEDSWEEPS_WEB to EmbedSweeps.Web.dll.");
            var trainer = result.GetValue(role) == "all";
            await using IAsyncDisposable cluster = result.GetValue(hostSilo)
                ? await SiloHost.StartAsync(result.Hosting(), trainer ? "all" : "web", result.GetValue(port), result.GetValue(gateway), slots: null, gpus: null, listen.Read(result), cancellationToken)
                : await ClusterSession.StartAsync(result.Hosting(), trainer, cancellationToken);
            Console.Error.WriteLine(cluster is ClusterSession { Embedded: false }
                ? "serving the cluster that is running on the configured storage."
                : "this command hosts a silo while it serves.");

            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(web)!, UseShellExecute = false };
            start.ArgumentList.Add(web);
            // The app binds the same settings as this run (its storage above all), whatever this process's own environment says.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("EMBEDSWEEPS", StringComparison.OrdinalIgnoreCase)).ToList()) start.Environment.Remove(name);
            foreach (var (name, value) in result.SettingVariables()) start.Environment[name] = value;
            start.Environment["ASPNETCORE_URLS"] = result.GetValue(urls)!;
            using var app = Process.Start(start) ?? throw new EmbedSweepsException($"serve: could not start {web}.");
            Console.Error.WriteLine($"leaderboard at {result.GetValue(urls)} (Ctrl+C to stop)");
            try
            {
                await app.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                app.Kill(entireProcessTree: true);
                await app.WaitForExitAsync(CancellationToken.None);
                return CommandLine.Success;
            }
            return app.ExitCode switch { 0 => CommandLine.Success, CommandLine.BadInput => CommandLine.BadInput, _ => CommandLine.InternalError }; // 2: it said why
        }));
        return command;
    }
}
