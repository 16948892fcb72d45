namespace EmbedSweeps.Silo;

/// <summary>
/// How a silo joins the cluster. Everything comes from one storage connection string
/// (<c>Storage:ConnectionString</c>, env <c>EMBEDSWEEPS__STORAGE__CONNECTIONSTRING</c>): Azure Table
/// for clustering, reminders and the registry, Azure Blob for trial and experiment state.
/// </summary>
public sealed record EmbedSweepsClusterOptions
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public string ConnectionString { get; init; } = DevelopmentStorage;

    /// <summary>Table-name prefix and blob container for this deployment (tests use one per run).</summary>
    public string StoragePrefix { get; init; } = "embedsweeps";

    /// <summary>
    /// True: a silo for the duration of one command, on loopback only; false: a long-lived silo reachable
    /// from other machines. Both join the cluster through the Azure Table membership.
    /// </summary>
    public bool Embedded { get; init; } = true;

    public string MembershipTable => StoragePrefix + "Membership";

    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;

    /// <summary>trainer, web or both.</summary>
    public IReadOnlySet<string> Roles { get; init; } = new HashSet<string> { "trainer", "web" };

    public string ServiceId { get; init; } = "embedsweeps";
    public string ClusterId { get; init; } = "embedsweeps";

    public static EmbedSweepsClusterOptions FromEnvironment() => new()
    {
        ConnectionString = Environment.GetEnvironmentVariable("EMBEDSWEEPS__STORAGE__CONNECTIONSTRING") is { Length: > 0 } value ? value : DevelopmentStorage,
        StoragePrefix = Environment.GetEnvironmentVariable("EMBEDSWEEPS__STORAGE__PREFIX") is { Length: > 0 } prefix ? prefix : "embedsweeps",
    };
}
