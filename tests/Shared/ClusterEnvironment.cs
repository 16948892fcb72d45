using System.Diagnostics;

namespace EmbedSweeps.Testing;

/// <summary>
/// The settings that point a test's CLI runs and processes at its Azurite, with a fresh table/container prefix, and workers at
/// the built CLI. They are variables handed to each run (<c>Program.Run</c>) and each child process (<see cref="ApplyTo"/>), never
/// set on this test process, so tests with different settings cannot start each other's silos on the wrong storage.
/// </summary>
public sealed class ClusterEnvironment : IDisposable
{
    private readonly Dictionary<string, string> variables;

    /// <param name="reminderSeconds">When set, silos started under it fire their schedule and liveness reminders this often (recovery within seconds).</param>
    public ClusterEnvironment(AzuriteFixture azurite, int? reminderSeconds = null)
    {
        Prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        variables = new Dictionary<string, string>
        {
            ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = azurite.ConnectionString,
            ["EMBEDSWEEPS__STORAGE__PREFIX"] = Prefix,
            ["EMBEDSWEEPS_WORKER"] = TestPaths.CliDll,
            // For child processes (the in-process CLI finds the same file above the test folder): one .embedsweeps for all.
            ["EMBEDSWEEPS_SETTINGS"] = Path.Combine(TestPaths.RepositoryRoot, "embedsweeps.json"),
        };
        if (reminderSeconds is { } seconds) variables["EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Prefix { get; }

    /// <summary>The settings, named as environment variables.</summary>
    public IReadOnlyDictionary<string, string> Variables => variables;

    /// <summary>These settings with <paramref name="more"/> on top.</summary>
    public IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string>? more)
    {
        var all = new Dictionary<string, string>(variables);
        foreach (var (name, value) in more ?? new Dictionary<string, string>()) all[name] = value;
        return all;
    }

    /// <summary>Gives a child process these settings (and <paramref name="more"/> on top).</summary>
    public void ApplyTo(ProcessStartInfo start, IReadOnlyDictionary<string, string>? more = null)
    {
        foreach (var (name, value) in With(more)) start.Environment[name] = value;
    }

    public void Dispose() { } // nothing was changed outside this object; kept so that `using` marks a test's scope
}
