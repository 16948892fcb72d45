using EmbedSweeps.Cli.Commands;
using EmbedSweeps.Client;

namespace EmbedSweeps.Cli;

/// <summary>The <c>embedsweeps</c> command: its subcommands, in the order <c>--help</c> lists them.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, EmbedSweepsConfiguration.EnvironmentVariables());

    /// <summary>Runs the command with settings from <paramref name="variables"/>, named as environment variables (tests pass their own).</summary>
    public static int Run(string[] args, IReadOnlyDictionary<string, string> variables) =>
        CommandLine.Run(CreateRoot(variables), args);

    internal static CliRoot CreateRoot(IReadOnlyDictionary<string, string> variables) =>
        new(variables)
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
