namespace EmbedSweeps.Testing;

/// <summary>
/// Points the CLI (in-process and child processes, which inherit the environment) at the test's
/// Azurite with a fresh table/container prefix, and workers at the built CLI; restores on dispose.
/// The environment is process-wide, so only one may be in force at a time: tests that use it must share
/// an xUnit collection (two at once would start each other's silos on the wrong storage prefix).
/// </summary>
public sealed class ClusterEnvironment : IDisposable
{
    private static int inForce;
    private readonly Dictionary<string, string?> previous = new();

    /// <param name="reminderSeconds">When set, silos started under it fire their schedule and liveness reminders this often (recovery within seconds).</param>
    public ClusterEnvironment(AzuriteFixture azurite, int? reminderSeconds = null)
    {
        if (Interlocked.Exchange(ref inForce, 1) == 1)
            throw new InvalidOperationException("another test's ClusterEnvironment is in force: put the tests that use it in one xUnit collection");
        if (reminderSeconds is { } seconds) Set("EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        Set("EMBEDSWEEPS__STORAGE__CONNECTIONSTRING", azurite.ConnectionString);
        Set("EMBEDSWEEPS__STORAGE__PREFIX", Prefix);
        Set("EMBEDSWEEPS_WORKER", TestPaths.CliDll);
    }

    public string Prefix { get; }

    private void Set(string name, string value)
    {
        previous[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        if (previous.Count == 0) return; // disposed already
        foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        previous.Clear();
        Volatile.Write(ref inForce, 0);
    }
}
