namespace EmbedSweeps.Cli.Tests;

/// <summary>Environment variables set for one call and restored after it (the CLI runs in-process and reads them).</summary>
internal static class ScopedEnvironment
{
    public static T With<T>(IReadOnlyDictionary<string, string> variables, Func<T> run)
    {
        var previous = variables.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            return run();
        }
        finally
        {
            foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
