using System.Net;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace EmbedSweeps.Client;

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

    /// <summary>
    /// Where a long-lived silo listens (silo-to-silo and gateway): loopback unless told otherwise (<c>silo --listen</c>, env
    /// <c>EMBEDSWEEPS__CLUSTER__LISTEN</c>). The gateway has no authentication, so reaching it over a network is an explicit choice.
    /// </summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// The address other silos and clients use to reach this one (<c>--advertise</c>, env <c>EMBEDSWEEPS__CLUSTER__ADVERTISE</c>):
    /// by default the listen address, or this host's first IPv4 address when listening on all of them (0.0.0.0).
    /// </summary>
    public IPAddress? AdvertiseAddress { get; init; }

    /// <summary>Mutual TLS between silos and clients (<see cref="ClusterTls"/>), or null: plain TCP, acceptable on loopback only.</summary>
    public ClusterTls? Tls { get; init; }

    /// <summary>Listening beyond loopback without TLS was asked for explicitly (<c>--insecure</c>, env <c>EMBEDSWEEPS__CLUSTER__INSECURE=true</c>).</summary>
    public bool Insecure { get; init; }

    /// <summary>The address advertised in the membership table.</summary>
    public IPAddress Advertised => AdvertiseAddress ?? (ListenAddress.Equals(IPAddress.Any) ? HostAddress() : ListenAddress);

    // The first IPv4 address of an interface that is up (the host name may resolve to loopback only, as in containers).
    private static IPAddress HostAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;

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

    /// <summary>
    /// The options <paramref name="configuration"/> sets (<see cref="EmbedSweepsConfiguration"/>): <c>Storage:ConnectionString</c>,
    /// <c>Storage:AccountName</c>, <c>Storage:Prefix</c>, <c>Scheduling:ReminderSeconds</c>, <c>Cluster:Listen</c>,
    /// <c>Cluster:Advertise</c>, <c>Cluster:Insecure</c> and <c>Cluster:Tls:*</c>; what it leaves unset keeps its default.
    /// </summary>
    /// <exception cref="SettingException">A value is malformed (an address, a number, the TLS files); the message names its variable.</exception>
    public static EmbedSweepsClusterOptions Bind(IConfiguration configuration)
    {
        // Masked before anything else is read: a message about a later setting must not quote it either.
        var connectionString = configuration.Text("Storage:ConnectionString") ?? DevelopmentStorage;
        Secrets.Remember(connectionString);
        return new EmbedSweepsClusterOptions
        {
            ConnectionString = connectionString,
            AccountName = configuration.Text("Storage:AccountName"),
            StoragePrefix = configuration.Text("Storage:Prefix") ?? "embedsweeps",
            ReminderPeriod = configuration.WholeNumber("Scheduling:ReminderSeconds", minimum: 1) is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(1),
            ListenAddress = Address(configuration, "Cluster:Listen") ?? IPAddress.Loopback,
            AdvertiseAddress = Address(configuration, "Cluster:Advertise"),
            Insecure = configuration.Flag("Cluster:Insecure"),
            Tls = ClusterTls.Bind(configuration),
        };
    }

    private static IPAddress? Address(IConfiguration configuration, string key) => configuration.Text(key) is { } text
        ? IPAddress.TryParse(text, out var address) ? address
            : throw new SettingException($"{EmbedSweepsConfiguration.VariableOf(key)}={text} is not an IP address (e.g. 0.0.0.0 or 10.0.0.5).")
        : null;

    /// <summary>
    /// Null when the listen settings are acceptable, else why not and how to fix it: a silo reachable beyond this machine needs
    /// <see cref="Tls"/>, or <see cref="Insecure"/> said explicitly, because without TLS anyone who reaches its gateway can submit,
    /// cancel and promote.
    /// </summary>
    public string? ListenProblem() => IPAddress.IsLoopback(ListenAddress) || Tls is not null || Insecure ? null
        : $"listening on {ListenAddress} would let anyone who reaches ports {SiloPort}/{GatewayPort} control the cluster: without TLS its gateway " +
          $"has no authentication. Keep the default (127.0.0.1) on one machine; across machines, {ClusterTls.HowToConfigure}. " +
          "Only on a private network you trust, --insecure (env EMBEDSWEEPS__CLUSTER__INSECURE=true) listens with no TLS.";

    /// <summary>The line a silo prints at every start about how it is reached: TLS, or a warning when it listens beyond loopback without.</summary>
    public string? ListenNotice() => Tls is { } tls ? $"TLS: mutual; this silo presents {tls.Describe()} and accepts only peers issued by the cluster's CA."
        : IPAddress.IsLoopback(ListenAddress) ? null
        : $"warning: this silo listens on {ListenAddress} (advertised as {Advertised}) without TLS or authentication; keep ports {SiloPort}/{GatewayPort} on a private network.";
}
