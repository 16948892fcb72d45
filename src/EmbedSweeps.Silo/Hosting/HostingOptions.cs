using EmbedSweeps.Client;
using Microsoft.Extensions.Configuration;

namespace EmbedSweeps.Silo.Hosting;

/// <summary>
/// Everything a process needs to take part in the cluster, bound once from configuration (<see cref="EmbedSweepsConfiguration"/>)
/// when a command starts and passed down from there: how to reach the cluster, how its trainer runs trials, where its files go.
/// The trainer's settings, the files and the worker command are bound when first needed (only by a process that hosts a trainer
/// silo or fetches a model), so a command that is only a client of the cluster is not stopped by them.
/// </summary>
/// <remarks>
/// <para>Development and production differ only in these settings, never in code paths; <see cref="IsDevelopment"/> names which one a
/// process runs as and <see cref="Describe"/> says it at silo start:</para>
/// <list type="bullet">
/// <item>storage: Azurite on this machine (<c>UseDevelopmentStorage=true</c>, the default) or an Azure Storage account
/// (<c>Storage:ConnectionString</c> or <c>Storage:AccountName</c> with a managed identity);</item>
/// <item>silos: one hosted by each command for its duration (<c>ClusterSession</c>), or long-lived silos started with
/// <c>embedsweeps silo</c> (<c>SiloHost</c>) that commands join as clients;</item>
/// <item>network: loopback only, or <c>Cluster:Listen</c> beyond this machine, which needs <c>Cluster:Tls:*</c> (or an explicit
/// <c>Cluster:Insecure</c>);</item>
/// <item>files: <c>.embedsweeps</c> beside the settings file, or <c>Home</c> (a container's volume).</item>
/// </list>
/// </remarks>
public sealed record HostingOptions
{
    private Lazy<TrainerOptions> trainer;
    private Lazy<string> stateDirectory;
    private Lazy<WorkerCommand> worker;

    private HostingOptions(EmbedSweepsClusterOptions cluster, Lazy<TrainerOptions> trainer, Lazy<string> stateDirectory, Lazy<WorkerCommand> worker) =>
        (Cluster, this.trainer, this.stateDirectory, this.worker) = (cluster, trainer, stateDirectory, worker);

    /// <summary>How to reach the cluster: storage, addresses, TLS, reminders.</summary>
    public EmbedSweepsClusterOptions Cluster { get; init; }

    /// <summary>How this machine's trainer silo runs trials.</summary>
    /// <exception cref="SettingException">On first read: <c>Trainer:Slots</c> is not a whole number, 0 or more.</exception>
    public TrainerOptions Trainer { get => trainer.Value; init => trainer = new(value); }

    /// <summary>Where trials and fetched artifacts go: <c>Home</c> (env <c>EMBEDSWEEPS_HOME</c>) when set, else the caller's default.</summary>
    public string StateDirectory { get => stateDirectory.Value; init => stateDirectory = new(value); }

    /// <summary>How a trainer silo of this process starts a trial worker.</summary>
    public WorkerCommand Worker { get => worker.Value; init => worker = new(value); }

    /// <summary>True on a developer's machine: Azurite (by its shortcut or its well-known account), not an Azure Storage account.</summary>
    public bool IsDevelopment => Cluster.AccountName is null &&
                                 (Cluster.ConnectionString.Equals(EmbedSweepsClusterOptions.DevelopmentStorage, StringComparison.OrdinalIgnoreCase) ||
                                  Cluster.ConnectionString.Contains("AccountName=devstoreaccount1", StringComparison.OrdinalIgnoreCase));

    /// <summary>For the silo's first line: "development (Azurite on this machine)" or "production (storage account x)".</summary>
    public string Describe() => IsDevelopment ? "development (Azurite)" : $"production ({Cluster.Describe()})";

    // Printing (ToString) shows the cluster's options only: it must not bind, and perhaps refuse, what was left for later.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Cluster = ").Append(Cluster);
        return true;
    }

    /// <summary>Binds the options <paramref name="configuration"/> sets: the cluster's now, the rest when first read.</summary>
    /// <param name="defaultStateDirectory">Where files go when <c>Home</c> is not set.</param>
    /// <param name="worker">How this program starts a trial worker (<c>Trainer:Worker</c>, env <c>EMBEDSWEEPS_WORKER</c>, overrides the
    /// program with a built CLI's .dll run by <c>dotnet</c>, as tests do).</param>
    /// <exception cref="SettingException">A cluster setting is malformed; the message names its variable.</exception>
    public static HostingOptions Bind(IConfiguration configuration, Func<string> defaultStateDirectory, Func<WorkerCommand> worker) => new(
        EmbedSweepsClusterOptions.Bind(configuration),
        new(() => TrainerOptions.Bind(configuration)),
        new(() => configuration.Text("Home") ?? defaultStateDirectory()),
        new(() => configuration.Text("Trainer:Worker") is { } dll ? worker() with { Program = "dotnet", Arguments = [dll] } : worker()));
}

/// <summary>How a trainer silo runs trials, when the command does not say (<c>silo --slots/--gpus</c> do).</summary>
/// <param name="Slots">Trials at once (<c>Trainer:Slots</c>); null: one per GPU, or one on a CPU trainer.</param>
/// <param name="Gpus"><c>auto</c>, <c>none</c> or device ids (<c>Trainer:Gpus</c>, <see cref="GpuDevices"/>); null: auto.</param>
public sealed record TrainerOptions(int? Slots, string? Gpus)
{
    public static TrainerOptions Bind(IConfiguration configuration) =>
        new(configuration.WholeNumber("Trainer:Slots", minimum: 0), configuration.Text("Trainer:Gpus"));
}

/// <summary>The command that runs <c>trial-worker --spec FILE</c>: the program, the arguments before those, and extra environment.</summary>
public sealed record WorkerCommand(string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);
