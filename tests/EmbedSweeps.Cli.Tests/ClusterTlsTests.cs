using System.Net;
using System.Net.Sockets;
using System.Text;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Mutual TLS between the cluster's processes: a silo with the cluster's certificates may listen beyond loopback; a client
/// with a certificate of the cluster's CA connects, one without a certificate or with another CA's is refused (and the CLI
/// says which certificate to set, exit 2); every byte between client and gateway is a TLS record.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class ClusterTlsTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private const string SecretGrainKey = "tls-probe-sweep-5f3a9c";
    private readonly ClusterEnvironment environment;
    private readonly TestCertificates certificates = new(CliRunner.NewTemporaryDirectory());

    public ClusterTlsTests(AzuriteFixture azurite) => environment = new ClusterEnvironment(azurite);

    public void Dispose() => environment.Dispose();

    [Fact]
    public async Task OnlyMembersOfTheClustersCaConnectAndNothingTravelsInClear()
    {
        var authority = certificates.Authority("cluster-ca");
        certificates.Issue(authority, "silo-1");
        certificates.Issue(authority, "silo-2");
        certificates.Issue(authority, "laptop");
        var rogueAuthority = certificates.Authority("rogue-ca");
        certificates.Issue(rogueAuthority, "rogue");

        // With certificates a silo may listen on the network without --insecure, and says it uses TLS instead of warning.
        // It advertises 127.0.0.2, where a relay in front of its gateway records what crosses the wire: Orleans clients and
        // gateways know each other by the advertised address, so the relay must stand at it.
        var network = NetworkAddress();
        int gatewayPort = TestPaths.FreePort(), siloPort = TestPaths.FreePort();
        using var silo = new SiloProcess(environment, "web", slots: 0, ["--listen", $"{network}", "--advertise", "127.0.0.2", "--port", $"{siloPort}", "--gateway-port", $"{gatewayPort}"],
            certificates.Environment("silo-1", "cluster-ca"));
        Assert.Contains("TLS: mutual; this silo presents CN=silo-1, issued by CN=cluster-ca", silo.Log);
        Assert.DoesNotContain("warning", silo.Log);
        var gateway = new IPEndPoint(IPAddress.Parse("127.0.0.2"), gatewayPort);
        using var relay = new RecordingRelay(gateway, new IPEndPoint(network, gatewayPort));
        using var siloRelay = new RecordingRelay(new IPEndPoint(IPAddress.Parse("127.0.0.2"), siloPort), new IPEndPoint(network, siloPort));

        // A second member silo, advertised at 127.0.0.3 behind a relay of its own: silo-to-silo traffic (joining, membership
        // probes) crosses the relays too.
        int secondPort = TestPaths.FreePort(), secondGateway = TestPaths.FreePort();
        using var secondRelay = new RecordingRelay(new IPEndPoint(IPAddress.Parse("127.0.0.3"), secondPort), new IPEndPoint(network, secondPort));
        using var secondGatewayRelay = new RecordingRelay(new IPEndPoint(IPAddress.Parse("127.0.0.3"), secondGateway), new IPEndPoint(network, secondGateway));
        using var second = new SiloProcess(environment, "web", slots: 0, ["--listen", $"{network}", "--advertise", "127.0.0.3", "--port", $"{secondPort}", "--gateway-port", $"{secondGateway}"],
            certificates.Environment("silo-2", "cluster-ca"));

        // A member connects and calls a grain; the relay sees only TLS records.
        var member = Tls("laptop", "cluster-ca");
        IHost host;
        try
        {
            host = await ConnectAsync(gateway, client => client.UseTls(member.Certificate, member.Configure));
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"a member could not connect: {e.Message}\nsilo log:\n{silo.Log}");
        }
        using (host)
        {
            var snapshot = await host.Services.GetRequiredService<IClusterClient>().GetGrain<IExperimentGrain>(SecretGrainKey).GetAsync();
            Assert.Empty(snapshot.Trials);
            await host.StopAsync();
        }
        var (sent, received) = relay.Captured();
        Assert.True(sent.Length > 100 && received.Length > 100, $"the relay saw {sent.Length}/{received.Length} bytes");
        AssertOnlyTlsRecords(sent, "client → gateway");
        AssertOnlyTlsRecords(received, "gateway → client");
        Assert.DoesNotContain(SecretGrainKey, Encoding.Latin1.GetString(sent));
        // Silo 2 joined through silo 1 and their connection carries both directions (joining, membership probes): all of it
        // crossed silo 1's relay. Whatever silo 1 sent on connections of its own crossed silo 2's.
        var (toFirst, fromFirst) = siloRelay.Captured();
        Assert.True(toFirst.Length > 100 && fromFirst.Length > 100, $"no silo-to-silo traffic ({toFirst.Length}/{fromFirst.Length} bytes)\n{second.Log}");
        AssertOnlyTlsRecords(toFirst, "silo 2 → silo 1");
        AssertOnlyTlsRecords(fromFirst, "silo 1 → silo 2");
        var (toSecond, fromSecond) = secondRelay.Captured();
        if (toSecond.Length > 0) AssertOnlyTlsRecords(toSecond, "→ silo 2");
        if (fromSecond.Length > 0) AssertOnlyTlsRecords(fromSecond, "silo 2 →");

        // The gateway refuses a client without TLS, one with TLS but no certificate, and one whose certificate another CA
        // issued — even when that client accepts whatever the gateway presents.
        await Assert.ThrowsAnyAsync<Exception>(() => Refused(gateway, _ => { }));
        await Assert.ThrowsAnyAsync<Exception>(() => Refused(gateway, client => client.UseTls(o =>
        {
            o.ClientCertificateMode = RemoteCertificateMode.AllowCertificate;
            o.AllowAnyRemoteCertificate();
        })));
        var rogueCertificate = Tls("rogue", "rogue-ca").Certificate;
        await Assert.ThrowsAnyAsync<Exception>(() => Refused(gateway, client => client.UseTls(rogueCertificate, o => o.AllowAnyRemoteCertificate())));

        // The CLI says which certificate to set, exit 2, instead of starting a rival silo.
        var plain = environment.Run("sweep", "list");
        Assert.Equal(2, plain.ExitCode);
        Assert.Matches(@"uses TLS \(its silo presents CN=silo-[12], issued by CN=cluster-ca\) and this machine has no certificate", plain.Error);
        Assert.Contains("EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE", plain.Error);

        var rogue = environment.Run(certificates.Environment("rogue", "rogue-ca"), "sweep", "list");
        Assert.Equal(2, rogue.ExitCode);
        Assert.Contains("presents a certificate issued by CN=cluster-ca, not by this machine's CA (CN=rogue-ca)", rogue.Error);

        // A certificate of another CA, from a machine that trusts the cluster's CA too: the gateway refuses it.
        var bothAuthorities = certificates.Path("both-ca.pem");
        File.WriteAllText(bothAuthorities, File.ReadAllText(certificates.Path("cluster-ca.pem")) + "\n" + File.ReadAllText(certificates.Path("rogue-ca.pem")));
        var refused = environment.Run(new Dictionary<string, string>(certificates.Environment("rogue", "rogue-ca")) { ["EMBEDSWEEPS__CLUSTER__TLS__CA"] = bothAuthorities }, "sweep", "list");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("refused this machine's certificate (CN=rogue, issued by CN=rogue-ca)", refused.Error);

        var allowed = environment.Run(certificates.Environment("laptop", "cluster-ca"), "sweep", "list");
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.DoesNotContain("starting a silo", allowed.Error);
    }

    [Fact]
    public void BadCertificatesAreReportedByVariableWithExit2()
    {
        var authority = certificates.Authority("cluster-ca");
        certificates.Issue(authority, "silo-1");
        certificates.Issue(authority, "expired", notAfter: DateTimeOffset.UtcNow.AddHours(-1));
        certificates.Issue(authority, "web-server", serverOnly: true);
        var other = certificates.Authority("other-ca");
        certificates.Issue(other, "foreign");

        var good = certificates.Environment("silo-1", "cluster-ca");
        (Dictionary<string, string> Environment, string Message)[] cases =
        [
            (new() { ["EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE"] = good["EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE"] },
                "needs both EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE and EMBEDSWEEPS__CLUSTER__TLS__CA (EMBEDSWEEPS__CLUSTER__TLS__CA is not set)"),
            (new(good) { ["EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE"] = certificates.Path("missing.pem") }, $"EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE: cannot read {certificates.Path("missing.pem")}"),
            (new(good) { ["EMBEDSWEEPS__CLUSTER__TLS__KEY"] = certificates.Path("silo-1.pem") }, "EMBEDSWEEPS__CLUSTER__TLS__KEY: " + certificates.Path("silo-1.pem") + " holds no private key"),
            (new(good) { ["EMBEDSWEEPS__CLUSTER__TLS__KEY"] = certificates.Path("foreign.key") }, "could not load the certificate and its key"),
            (new(good) { ["EMBEDSWEEPS__CLUSTER__TLS__CA"] = certificates.Path("silo-1.key") }, "holds no certificate"),
            (certificates.Environment("foreign", "cluster-ca"), "the certificate CN=foreign (issued by CN=other-ca) was not issued by the CA in EMBEDSWEEPS__CLUSTER__TLS__CA (CN=cluster-ca)"),
            (certificates.Environment("expired", "cluster-ca"), "the certificate CN=expired is valid from"),
            (certificates.Environment("web-server", "cluster-ca"), "the certificate CN=web-server may not be used for client authentication"),
        ];
        foreach (var (variables, message) in cases)
        {
            var result = environment.Run(variables, "silo", "--role", "web");
            Assert.True(result.ExitCode == 2, $"{message}: exit {result.ExitCode}\n{result.Error}");
            Assert.Contains(message, result.Error);
            Assert.DoesNotContain("   at ", result.Error);
        }

        // Listening on the network without certificates says how to provide them.
        var refused = environment.Run("silo", "--role", "web", "--listen", "0.0.0.0");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE", refused.Error);
    }

    // This machine's first IPv4 address other than loopback (a test machine has one; the host name may resolve to loopback only).
    private static IPAddress NetworkAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private ClusterTls Tls(string name, string authority)
    {
        var variables = certificates.Environment(name, authority);
        return ClusterTls.Load(variables["EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE"], variables["EMBEDSWEEPS__CLUSTER__TLS__KEY"], variables["EMBEDSWEEPS__CLUSTER__TLS__CA"]);
    }

    // A refused client keeps retrying until its patience ends; an admitted one connects within a couple of seconds.
    private static Task<IHost> Refused(IPEndPoint gateway, Action<IClientBuilder> secure) => ConnectAsync(gateway, secure, TimeSpan.FromSeconds(10));

    // An Orleans client that reaches the cluster through one fixed gateway; the caller stops it.
    private static async Task<IHost> ConnectAsync(IPEndPoint gateway, Action<IClientBuilder> secure, TimeSpan? patience = null)
    {
        var cluster = new EmbedSweepsClusterOptions();
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => { o.ServiceId = cluster.ServiceId; o.ClusterId = cluster.ClusterId; });
                client.UseStaticClustering(gateway);
                secure(client);
            })
            .Build();
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(30));
        try
        {
            await host.StartAsync(timeout.Token);
            // Connected is not yet admitted: a refusal under TLS 1.3 arrives after the client's side of the handshake.
            await host.Services.GetRequiredService<IClusterClient>().GetGrain<IExperimentGrain>(SecretGrainKey).GetAsync().WaitAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static void AssertOnlyTlsRecords(byte[] stream, string direction)
    {
        // A TLS record: content type (20 change_cipher_spec, 21 alert, 22 handshake, 23 application data), version 3.x, length, payload.
        var offset = 0;
        while (offset < stream.Length)
        {
            Assert.True(offset + 5 <= stream.Length, $"{direction}: a truncated record header at byte {offset}");
            Assert.True(stream[offset] is >= 20 and <= 23 && stream[offset + 1] == 3, $"{direction}: byte {offset} does not start a TLS record ({stream[offset]:x2} {stream[offset + 1]:x2})");
            offset += 5 + (stream[offset + 3] << 8 | stream[offset + 4]);
        }
        Assert.Equal(stream.Length, offset);
        Assert.Equal(22, stream[0]); // it opens with a handshake
    }
}
