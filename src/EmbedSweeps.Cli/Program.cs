using System.CommandLine;
using EmbedSweeps.Cli.Commands;

namespace EmbedSweeps.Cli;

/// <summary>The <c>embedsweeps</c> command: its subcommands, in the order <c>--help</c> lists them.</summary>
public static class Program
{
    public static int Main(string[] args) => CommandLine.Run(CreateRoot(), args);

    public static RootCommand CreateRoot() =>
        new("EmbedSweeps: fine-tune and evaluate sentence-embedding models, and sweep their hyperparameters.")
        {
            EncodeCommand.Create(),
            EvalCommand.Create(),
            BenchCommand.Create(),
            ExportCommand.Create(),
            TrainCommand.Create(),
            SweepCommand.Create(),
            TrialWorkerCommand.Create(),
            ClusterCommands.Leaderboard(),
            ClusterCommands.Promote(),
            ClusterCommands.Models(),
            AuditCommand.Create(),
            SiloCommand.Create(),
            ServeCommand.Create(),
        };
}
