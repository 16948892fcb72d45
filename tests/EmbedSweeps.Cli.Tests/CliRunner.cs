namespace EmbedSweeps.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output; tests using it share one non-parallel collection.</summary>
internal static class CliRunner
{
    public static string RepositoryRoot => TestPaths.RepositoryRoot;
    public static string Shared => TestPaths.Shared;

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

    public static string NewTemporaryDirectory() => TestPaths.NewTemporaryDirectory();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}
