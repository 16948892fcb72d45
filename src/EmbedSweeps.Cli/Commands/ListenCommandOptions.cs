using System.CommandLine;
using System.Net;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The <c>--listen</c>, <c>--advertise</c> and <c>--insecure</c> options of the commands that host a long-lived silo.</summary>
internal sealed class ListenCommandOptions
{
    private readonly Option<string?> listen = new("--listen")
    {
        Description = "Address the silo listens on (silo-to-silo and gateway). Default: 127.0.0.1, this machine only (env EMBEDSWEEPS__CLUSTER__LISTEN). " +
                      "0.0.0.0 or a network address lets other machines join; it needs the cluster's TLS certificates (env EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE, __KEY, __CA) or --insecure.",
    };

    private readonly Option<string?> advertise = new("--advertise")
    {
        Description = "Address other silos and clients use to reach this silo (env EMBEDSWEEPS__CLUSTER__ADVERTISE). Default: the listen address, or this host's first IPv4 address with 0.0.0.0.",
    };

    private readonly Option<bool> insecure = new("--insecure")
    {
        Description = "Allow listening beyond loopback without TLS or authentication (env EMBEDSWEEPS__CLUSTER__INSECURE=true); only on a private network. A warning is printed at every start.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(listen);
        command.Options.Add(advertise);
        command.Options.Add(insecure);
    }

    public ListenOptions Read(ParseResult result) => new(Address(result.GetValue(listen), "--listen"), Address(result.GetValue(advertise), "--advertise"), result.GetValue(insecure));

    private static IPAddress? Address(string? text, string option) => text is null ? null
        : IPAddress.TryParse(text, out var address) ? address
        : throw new EmbedSweepsException($"{option} {text}: not an IP address (e.g. 127.0.0.1, 0.0.0.0 or 10.0.0.5).");
}
