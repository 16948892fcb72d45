using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

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

    /// <summary>
    /// A storage account reached with a managed identity instead of a key (env
    /// <c>EMBEDSWEEPS__STORAGE__ACCOUNTNAME</c>): when set, the connection string is not used and the
    /// identity needs the Storage Blob Data Contributor and Storage Table Data Contributor roles.
    /// </summary>
    public string? AccountName { get; init; }

    /// <summary>Table-name prefix and blob container for this deployment (tests use one per run).</summary>
    public string StoragePrefix { get; init; } = "embedsweeps";

    /// <summary>
    /// True: a silo for the duration of one command, on loopback only; false: a long-lived silo reachable
    /// from other machines. Both join the cluster through the Azure Table membership.
    /// </summary>
    public bool Embedded { get; init; } = true;

    public string MembershipTable => StoragePrefix + "Membership";

    /// <summary>Where the account is, for messages: the account name or the connection string's endpoint (never its key).</summary>
    public string Describe() => AccountName is { } name ? $"storage account {name} (managed identity)" : "the storage connection string";

    public TableServiceClient Tables(TableClientOptions? options = null)
    {
        options ??= new TableClientOptions();
        options.AddPolicy(StorageRequestCounter.Tables, Azure.Core.HttpPipelinePosition.PerCall);
        return AccountName is { } name
            ? new TableServiceClient(new Uri($"https://{name}.table.core.windows.net"), new DefaultAzureCredential(), options)
            : new TableServiceClient(ConnectionString, options);
    }

    public BlobServiceClient Blobs()
    {
        var options = new BlobClientOptions();
        options.AddPolicy(StorageRequestCounter.Blobs, Azure.Core.HttpPipelinePosition.PerCall);
        return AccountName is { } name
            ? new BlobServiceClient(new Uri($"https://{name}.blob.core.windows.net"), new DefaultAzureCredential(), options)
            : new BlobServiceClient(ConnectionString, options);
    }

    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;

    /// <summary>trainer, web or both.</summary>
    public IReadOnlySet<string> Roles { get; init; } = new HashSet<string> { "trainer", "web" };

    /// <summary>
    /// How often the schedule and liveness reminders fire (env <c>EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS</c>,
    /// default 60): the longest a sweep waits to notice a lost silo or worker.
    /// </summary>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromMinutes(1);

    public string ServiceId { get; init; } = "embedsweeps";
    public string ClusterId { get; init; } = "embedsweeps";

    public static EmbedSweepsClusterOptions FromEnvironment() => new()
    {
        ConnectionString = Environment.GetEnvironmentVariable("EMBEDSWEEPS__STORAGE__CONNECTIONSTRING") is { Length: > 0 } value ? value : DevelopmentStorage,
        AccountName = Environment.GetEnvironmentVariable("EMBEDSWEEPS__STORAGE__ACCOUNTNAME") is { Length: > 0 } account ? account : null,
        ReminderPeriod = int.TryParse(Environment.GetEnvironmentVariable("EMBEDSWEEPS__SCHEDULING__REMINDERSECONDS"), out var seconds) && seconds >= 1
            ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(1),
        StoragePrefix = Environment.GetEnvironmentVariable("EMBEDSWEEPS__STORAGE__PREFIX") is { Length: > 0 } prefix ? prefix : "embedsweeps",
    };
}
