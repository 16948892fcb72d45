using System.CommandLine;
using System.Diagnostics;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Embeddings;

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
        var command = new Command("serve", "Serve the web leaderboard (default http://127.0.0.1:5080).") { urls, role };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var web = Environment.GetEnvironmentVariable("EMBEDSWEEPS_WEB") is { Length: > 0 } path && File.Exists(path)
                ? path
                : throw new EmbedSweepsException("serve: the web app is not built here; run `./embedsweeps serve` from the repository (it publishes web/EmbedSweeps.Web), or set EMBEDSWEEPS_WEB to EmbedSweeps.Web.dll.");
            await using var session = await ClusterSession.StartAsync(trainer: result.GetValue(role) == "all", cancellationToken);
            Console.Error.WriteLine(session.Embedded
                ? "no cluster was running: this command hosts a silo while it serves."
                : "serving the cluster that is running on the configured storage.");

            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(web)!, UseShellExecute = false };
            start.ArgumentList.Add(web);
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
            return app.ExitCode == 0 ? CommandLine.Success : CommandLine.InternalError;
        }));
        return command;
    }
}
