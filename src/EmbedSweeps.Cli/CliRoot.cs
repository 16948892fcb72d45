using System.CommandLine;
using EmbedSweeps.Client;
using EmbedSweeps.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace EmbedSweeps.Cli;

/// <summary>
/// The <c>embedsweeps</c> command tree of one run, with the configuration that run was started with: commands reach it through
/// their <see cref="ParseResult"/> (<see cref="CliRootExtensions"/>), never through the process's environment, so that tests can
/// run the CLI in-process with settings of their own.
/// </summary>
internal sealed class CliRoot(IReadOnlyDictionary<string, string> variables)
    : RootCommand("EmbedSweeps: fine-tune and evaluate sentence-embedding models, and sweep their hyperparameters.")
{
    private HostingOptions? hosting;

    public IConfiguration Configuration { get; } = EmbedSweepsConfiguration.FromVariables(variables);

    /// <summary>The variables this run was started with that are EmbedSweeps settings, to hand on to a program it starts (the web app).</summary>
    public IReadOnlyDictionary<string, string> SettingVariables { get; } = variables
        .Where(v => v.Key.StartsWith("EMBEDSWEEPS", StringComparison.OrdinalIgnoreCase)).ToDictionary(v => v.Key, v => v.Value);

    /// <summary>
    /// The cluster and trainer options, bound at first use (a command that never reaches the cluster is not stopped by a
    /// malformed cluster setting) and once.
    /// </summary>
    public HostingOptions Hosting => hosting ??= HostingOptions.Bind(Configuration, () => Runtime.DefaultStateDirectory, ThisProgram.Worker);
}

internal static class CliRootExtensions
{
    /// <summary>This run's configuration (<see cref="EmbedSweeps.Client.EmbedSweepsConfiguration"/>).</summary>
    public static IConfiguration Configuration(this ParseResult result) => Root(result).Configuration;

    /// <inheritdoc cref="CliRoot.SettingVariables"/>
    public static IReadOnlyDictionary<string, string> SettingVariables(this ParseResult result) => Root(result).SettingVariables;

    /// <summary>This run's cluster and trainer options.</summary>
    /// <exception cref="EmbedSweeps.Client.SettingException">A cluster setting is malformed.</exception>
    public static HostingOptions Hosting(this ParseResult result) => Root(result).Hosting;

    private static CliRoot Root(ParseResult result) => result.RootCommandResult.Command as CliRoot
        ?? throw new InvalidOperationException("the command tree was not built by Program.CreateRoot");
}
