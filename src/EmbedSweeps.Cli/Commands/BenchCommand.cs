using System.CommandLine;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps bench</c>: benchmarks that print JSON (not tests).</summary>
internal static class BenchCommand
{
    public static Command Create() =>
        new("bench", "Benchmarks that print JSON.") { BenchEncodeCommand.Create(), BenchTrainCommand.Create(), BenchClusterCommand.Create(), BenchLeaderboardCommand.Create(), BenchStorageCommand.Create() };
}
