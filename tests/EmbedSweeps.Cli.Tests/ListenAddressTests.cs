using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// A silo listens on loopback unless told otherwise: its gateway has no authentication, so reaching it from the network
/// is an explicit choice (--listen ADDRESS --insecure), refused without --insecure and warned about with it.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed partial class ListenAddressTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly ClusterEnvironment environment;

    public ListenAddressTests(AzuriteFixture azurite) => environment = new ClusterEnvironment(azurite);

    public void Dispose() => environment.Dispose();

    [Fact]
    public void ASiloListensOnlyOnLoopbackByDefault()
    {
        using var silo = new SiloProcess(environment, "web", slots: 0);
        var (port, gateway) = Ports(silo.Log);
        Assert.Contains("on 127.0.0.1, ports", silo.Log);
        Assert.True(Reachable(IPAddress.Loopback, gateway));
        Assert.True(Reachable(IPAddress.Loopback, port));
        foreach (var address in NetworkAddresses())
        {
            Assert.False(Reachable(address, gateway), $"the gateway answers on {address}");
            Assert.False(Reachable(address, port), $"the silo port answers on {address}");
        }

        // A machine configured for TLS is told that this cluster does not use it, not left to start a rival silo.
        var certificates = new TestCertificates(CliRunner.NewTemporaryDirectory());
        certificates.Issue(certificates.Authority("cluster-ca"), "laptop");
        var mismatch = environment.Run(certificates.Environment("laptop", "cluster-ca"), "sweep", "list");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("does not use TLS, but this machine is configured for it", mismatch.Error);
    }

    [Fact]
    public void ListeningOnTheNetworkNeedsInsecureAndWarnsAtEveryStart()
    {
        var refused = environment.Run("silo", "--role", "web", "--listen", "0.0.0.0");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--insecure", refused.Error);
        Assert.Contains("without TLS", refused.Error);

        var malformed = environment.Run("silo", "--role", "web", "--listen", "everywhere");
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("--listen everywhere: not an IP address", malformed.Error);

        using var silo = new SiloProcess(environment, "web", slots: 0, ["--listen", "0.0.0.0", "--insecure"]);
        Assert.Contains("warning: this silo listens on 0.0.0.0", silo.Log);
        var (_, gateway) = Ports(silo.Log);
        foreach (var address in NetworkAddresses()) Assert.True(Reachable(address, gateway), $"the gateway does not answer on {address}");
    }

    private static (int Port, int Gateway) Ports(string log)
    {
        var match = PortsPattern().Match(log);
        Assert.True(match.Success, log);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    // This machine's IPv4 addresses other than loopback (a test machine has at least one; the host name may resolve to loopback only).
    private static List<IPAddress> NetworkAddresses()
    {
        var addresses = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).ToList();
        Assert.NotEmpty(addresses);
        return addresses;
    }

    private static bool Reachable(IPAddress address, int port)
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(address, port).Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException e) when (e.InnerException is SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"ports (\d+)/(\d+)")]
    private static partial Regex PortsPattern();
}
