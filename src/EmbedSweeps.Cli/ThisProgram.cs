using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli;

/// <summary>How a silo hosted by this program starts trial workers: this same program, with this run's settings file.</summary>
internal static class ThisProgram
{
    public static WorkerCommand Worker()
    {
        var source = Runtime.Settings.Source;
        var environment = source is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["EMBEDSWEEPS_SETTINGS"] = source };
        var program = Environment.ProcessPath ?? "dotnet";
        // Run as `dotnet embedsweeps.dll`: the worker is `dotnet` with the .dll, not `dotnet` alone.
        IReadOnlyList<string> arguments = Path.GetFileNameWithoutExtension(program) == "dotnet" ? [typeof(ThisProgram).Assembly.Location] : [];
        return new WorkerCommand(program, arguments, environment);
    }
}
