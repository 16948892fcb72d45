using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace EmbedSweeps.Client;

/// <summary>
/// Why a client could not connect to a gateway that listens, when the reason is TLS: one side uses it and the other does
/// not, or one side's certificate is not of the other's CA. Orleans reports all of these as a plain connection failure; a
/// user needs to know which certificate to set. Probes one gateway with a TLS handshake of its own.
/// </summary>
public static class GatewayProbe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <see cref="TlsProblemAsync"/> for the gateways the membership table lists as live (a few at most: one that does not
    /// answer says nothing, another may); null when none names a TLS problem or storage cannot be read just now.
    /// </summary>
    public static async Task<string?> ClusterTlsProblemAsync(EmbedSweepsClusterOptions options, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var gateway in (await LiveCluster.LiveGatewaysAsync(options, cancellationToken)).Take(5))
                if (await TlsProblemAsync(gateway, options.Tls, cancellationToken) is { } problem) return problem;
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
        }
        return null;
    }

    /// <summary>A sentence saying what is wrong with TLS between this machine and <paramref name="gateway"/> and how to fix it, or null when TLS is not the reason (or the gateway does not answer).</summary>
    public static async Task<string?> TlsProblemAsync(IPEndPoint gateway, ClusterTls? tls, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(gateway, timeout.Token);
        }
        catch (Exception e) when (e is SocketException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null; // nobody listens: a dead silo, not a TLS question
        }

        X509Certificate2? presented = null;
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true; // learn what the gateway presents; judged below
        });
        var handshake = true;
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = gateway.Address.ToString(),
                ClientCertificates = tls is null ? null : new X509CertificateCollection { tls.Certificate },
            }, timeout.Token);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            handshake = false;
        }

        if (presented is null)
            return tls is null ? null
                : $"the cluster's gateway at {gateway} does not use TLS, but this machine is configured for it ({ClusterTls.CertificateVariable}): " +
                  "give the cluster's silos the same certificates and restart them, or unset the EMBEDSWEEPS__CLUSTER__TLS__ variables here.";
        if (tls is null)
            return $"the cluster at {gateway} uses TLS (its silo presents {presented.Subject}, issued by {presented.Issuer}) and this machine has no certificate: {ClusterTls.HowToConfigure}.";
        if (!tls.IsIssuedByCluster(presented))
            return $"the cluster at {gateway} presents a certificate issued by {presented.Issuer}, not by this machine's CA ({string.Join(", ", tls.Authorities.Select(a => a.Subject))}); " +
                   $"set {ClusterTls.AuthorityVariable} to the cluster's CA and {ClusterTls.CertificateVariable}/{ClusterTls.KeyVariable} to a certificate it issued.";
        // Under TLS 1.3 the gateway judges our certificate after our side of the handshake is done: a refusal shows as the connection closing.
        if (!handshake || await ClosesAsync(ssl, cancellationToken))
            return $"the cluster at {gateway} refused this machine's certificate ({tls.Describe()}); it accepts only certificates issued by its own CA: " +
                   $"set {ClusterTls.CertificateVariable}/{ClusterTls.KeyVariable} to a certificate from the CA the cluster's silos use.";
        return null;
    }

    // A gateway that accepted us waits for the client's first message; one that refused us closes the connection.
    private static async Task<bool> ClosesAsync(SslStream ssl, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            return await ssl.ReadAsync(new byte[1], wait.Token) == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return true;
        }
    }
}
