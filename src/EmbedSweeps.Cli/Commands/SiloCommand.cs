using System.CommandLine;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps silo --role trainer|web|all [--listen ADDRESS [--advertise ADDRESS] --insecure]</c>: a long-lived
/// silo that joins the cluster through the Azure Table membership of the configured storage account; runs until
/// stopped (Ctrl+C, SIGTERM). It listens on loopback unless told otherwise.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "trainer (runs trials), web, or all.", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("trainer", "web", "all");
        var port = new Option<int>("--port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gateway = new Option<int>("--gateway-port") { Description = "Client gateway port.", DefaultValueFactory = _ => 30000 };
        var slots = new Option<int?>("--slots") { Description = "Trials this silo runs at once (trainer role). Default: EMBEDSWEEPS__TRAINER__SLOTS, else one per GPU, or 1 on CPU." };
        var gpus = new Option<string?>("--gpus")
        {
            Description = "GPUs to train on: auto (CUDA_VISIBLE_DEVICES, else nvidia-smi), none, or ids such as 0,1. Default: EMBEDSWEEPS__TRAINER__GPUS, else auto. Trials are packed by their sweep's resources.trials_per_gpu.",
        };
        var command = new Command("silo", "Run a long-lived silo that joins the EmbedSweeps cluster.") { role, port, gateway, slots, gpus };
        var listen = new ListenCommandOptions();
        listen.AddTo(command);
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            await using var silo = await SiloHost.StartAsync(result.Hosting(), result.GetValue(role)!, result.GetValue(port), result.GetValue(gateway), result.GetValue(slots), result.GetValue(gpus),
                listen.Read(result), cancellationToken);
            await silo.WaitForShutdownAsync(cancellationToken);
            return CommandLine.Success;
        }));
        return command;
    }
}
