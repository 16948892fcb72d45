using EmbedSweeps.Client;
using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Runs the CLI in-process with captured output, with settings handed to the run (never set on this process's environment);
/// tests using it share one non-parallel collection because the console it captures is the process's.
/// </summary>
internal static class CliRunner
{
    public static string RepositoryRoot => TestPaths.RepositoryRoot;
    public static string Shared => TestPaths.Shared;

    public sealed record Result(int ExitCode, string Output, string Error);

    private static readonly Lock Gate = new();

    /// <summary>
    /// Runs with this process's environment. Models and data sets are looked up through the repository's embedsweeps.json,
    /// which the CLI finds above the test's folder (one state folder, .embedsweeps beside it, for every run).
    /// </summary>
    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs with <paramref name="variables"/> (named as environment variables) on top of this process's environment.</summary>
    public static Result Run(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        var all = new Dictionary<string, string>(EmbedSweepsConfiguration.EnvironmentVariables());
        foreach (var (name, value) in variables) all[name] = value;
        lock (Gate)
        {
            var (originalOut, originalError) = (Console.Out, Console.Error);
            using var output = new StringWriter();
            using var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                var code = Program.Run(args, all);
                return new Result(code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }
        }
    }

    /// <summary>A CLI run against the test's cluster settings (and <paramref name="more"/> on top).</summary>
    public static Result Run(this ClusterEnvironment cluster, params string[] args) => Run(cluster.Variables, args);

    /// <inheritdoc cref="Run(ClusterEnvironment, string[])"/>
    public static Result Run(this ClusterEnvironment cluster, IReadOnlyDictionary<string, string> more, params string[] args) => Run(cluster.With(more), args);

    /// <summary>The hosting options a CLI run under <paramref name="cluster"/> binds, for tests that open a cluster session themselves.</summary>
    public static HostingOptions Hosting(this ClusterEnvironment cluster) =>
        HostingOptions.Bind(EmbedSweepsConfiguration.FromVariables(cluster.Variables), () => Path.Combine(RepositoryRoot, ".embedsweeps"), ThisProgram.Worker);

    public static string NewTemporaryDirectory() => TestPaths.NewTemporaryDirectory();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}
