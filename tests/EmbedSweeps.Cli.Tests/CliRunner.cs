namespace EmbedSweeps.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output; tests using it share one non-parallel collection.</summary>
internal static class CliRunner
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public sealed record Result(int ExitCode, string Output, string Error);

    private static readonly Lock Gate = new();

    public static Result Run(params string[] args)
    {
        lock (Gate)
        {
            Environment.SetEnvironmentVariable("EMBEDSWEEPS_SETTINGS", Path.Combine(RepositoryRoot, "embedsweeps.json"));
            var (originalOut, originalError) = (Console.Out, Console.Error);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                var code = Program.Main(args);
                return new Result(code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }
        }
    }

    public static string NewTemporaryDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "embedsweeps-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "EmbedSweeps.sln"))) return directory.FullName;
        throw new InvalidOperationException("EmbedSweeps.sln not found above the test binaries.");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}
