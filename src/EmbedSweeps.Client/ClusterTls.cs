using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace EmbedSweeps.Client;

/// <summary>
/// Mutual TLS between silos and between clients and gateways (Orleans.Connections.Security): every process that reaches
/// the cluster — silos, the CLI's commands, the web app — presents this machine's certificate and accepts a peer only when
/// the peer's certificate was issued by the cluster's CA. Host names are not checked: silos are reached by the addresses
/// they advertise, which change; holding a certificate of the cluster's CA is what makes a peer a member.
/// </summary>
/// <remarks>
/// Configured like every setting (<see cref="EmbedSweepsConfiguration"/>), the same for every process on a machine (env <c>EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE</c>,
/// <c>__KEY</c>, <c>__CA</c>; each a file path or the PEM text itself, so a container can take them from secrets). A PKCS#12
/// file (<c>.pfx</c>/<c>.p12</c>, password in <c>__PASSWORD</c>) holds certificate and key together.
/// </remarks>
public sealed class ClusterTls
{
    public const string CertificateVariable = "EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE";
    public const string KeyVariable = "EMBEDSWEEPS__CLUSTER__TLS__KEY";
    public const string AuthorityVariable = "EMBEDSWEEPS__CLUSTER__TLS__CA";
    public const string PasswordVariable = "EMBEDSWEEPS__CLUSTER__TLS__PASSWORD";

    /// <summary>How to provide the certificates, for messages.</summary>
    public const string HowToConfigure =
        $"set {CertificateVariable} and {KeyVariable} (this machine's certificate and private key, PEM) and {AuthorityVariable} (the cluster's CA certificate) " +
        "on every machine of the cluster; see \"Security\" in the README";

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This machine's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster's CA certificate(s): a peer is accepted when its certificate chains to one of them.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>For messages: "CN=node-1, issued by CN=embedsweeps-ca".</summary>
    public string Describe() => $"{Certificate.Subject}, issued by {Certificate.Issuer}";

    /// <summary>The TLS settings of <paramref name="configuration"/> (<c>Cluster:Tls:Certificate</c>, <c>Key</c>, <c>CA</c>, <c>Password</c>), or null when none is set.</summary>
    /// <exception cref="SettingException">Only some of them are set, or a file is missing or not a certificate or key; the message names the variable and says how to fix it.</exception>
    public static ClusterTls? Bind(IConfiguration configuration)
    {
        var (certificate, key, authority) = (configuration.Text("Cluster:Tls:Certificate"), configuration.Text("Cluster:Tls:Key"), configuration.Text("Cluster:Tls:CA"));
        if (certificate is null && key is null && authority is null) return null;
        if (certificate is null || authority is null)
            throw new SettingException($"TLS between silos needs both {CertificateVariable} and {AuthorityVariable} ({(certificate is null ? CertificateVariable : AuthorityVariable)} is not set): {HowToConfigure}.");
        var password = configuration.Text("Cluster:Tls:Password");
        // A PKCS#12 password, and the PEM text of a key (not a file's path), are secrets wherever a message might quote them.
        Secrets.Remember(password);
        foreach (var pem in new[] { certificate, key }.Where(v => v?.Contains("PRIVATE KEY", StringComparison.Ordinal) == true)) Secrets.Remember(pem);
        try
        {
            return Load(certificate, key, authority, password);
        }
        catch (ArgumentException e) when (e is not SettingException)
        {
            throw new SettingException(e.Message);
        }
    }

    /// <summary>Loads and checks the certificates: each argument is a file path or PEM text.</summary>
    /// <param name="certificate">This machine's certificate: PEM (with its key, or the key in <paramref name="key"/>) or PKCS#12.</param>
    /// <param name="key">The PEM private key, when not in <paramref name="certificate"/>.</param>
    /// <param name="authority">The cluster's CA certificate(s), PEM.</param>
    /// <param name="password">The PKCS#12 password, if any.</param>
    /// <exception cref="ArgumentException">A file is missing or unreadable, has no certificate or key, the key does not match, or the certificate is expired or not issued by the CA.</exception>
    public static ClusterTls Load(string certificate, string? key, string authority, string? password = null)
    {
        var local = LoadCertificate(certificate, key, password);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(Text(authority, AuthorityVariable));
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"{AuthorityVariable}: {Source(authority)} is not a PEM certificate ({e.Message.TrimEnd('.')}).");
        }
        if (authorities.Count == 0) throw new ArgumentException($"{AuthorityVariable}: {Source(authority)} holds no certificate (expected -----BEGIN CERTIFICATE-----).");
        var tls = new ClusterTls(local, authorities);
        if (DateTime.Now > local.NotAfter || DateTime.Now < local.NotBefore)
            throw new ArgumentException($"{CertificateVariable}: the certificate {local.Subject} is valid from {local.NotBefore:u} to {local.NotAfter:u}, not now; issue a new one from the cluster's CA.");
        if (MissingUsage(local) is { } usage)
            throw new ArgumentException($"{CertificateVariable}: the certificate {local.Subject} may not be used for {usage} (its extended key usage); " +
                                        "a member of the cluster is both a TLS server and a client: issue it with extendedKeyUsage=serverAuth,clientAuth.");
        if (!tls.IsIssuedByCluster(local))
            throw new ArgumentException($"{CertificateVariable}: the certificate {local.Subject} (issued by {local.Issuer}) was not issued by the CA in {AuthorityVariable} " +
                                        $"({string.Join(", ", authorities.Select(a => a.Subject))}); the other members would refuse it.");
        return tls;
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of <see cref="Authorities"/> and is valid now (no revocation check:
    /// a private CA has no revocation list; rotate by issuing a new CA and certificates).
    /// </summary>
    public bool IsIssuedByCluster(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // A peer's certificate is judged before it is trusted: it must not make this process fetch issuers from the URLs it names.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }

    // Orleans refuses a certificate whose extended key usage lacks server or client authentication (with a trace, at start).
    private static string? MissingUsage(X509Certificate2 certificate)
    {
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } usages) return null; // no restriction
        var oids = usages.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
        var missing = new[] { ("1.3.6.1.5.5.7.3.1", "server authentication"), ("1.3.6.1.5.5.7.3.2", "client authentication") }
            .Where(u => !oids.Contains(u.Item1)).Select(u => u.Item2).ToList();
        return missing.Count == 0 ? null : string.Join(" and ", missing);
    }

    /// <summary>Orleans' TLS options for this cluster: both sides present a certificate and check the other's.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Replaces the default check (system roots, host name): the cluster's own CA decides, whatever address a peer has.
        options.RemoteCertificateValidation = (remote, _, _) => IsIssuedByCluster(remote);
    }

    private static X509Certificate2 LoadCertificate(string certificate, string? key, string? password)
    {
        try
        {
            if (!IsPem(certificate) && Path.GetExtension(certificate).ToLowerInvariant() is ".pfx" or ".p12")
            {
                if (!File.Exists(certificate)) throw new ArgumentException($"{CertificateVariable}: {certificate} does not exist.");
                return X509CertificateLoader.LoadPkcs12FromFile(certificate, password, X509KeyStorageFlags.EphemeralKeySet);
            }
            var certificatePem = Text(certificate, CertificateVariable);
            var keyPem = key is null ? certificatePem : Text(key, KeyVariable);
            if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                throw new ArgumentException(key is null
                    ? $"{CertificateVariable}: {Source(certificate)} holds no private key; set {KeyVariable} to this machine's key (PEM)."
                    : $"{KeyVariable}: {Source(key)} holds no private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----).");
            return FromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            throw Unloadable(e);
        }
    }

    private static X509Certificate2 FromPem(string certificatePem, string keyPem)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // A key from PEM is ephemeral, which SslStream cannot use on every platform: a PKCS#12 round trip gives it a usable handle.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException) // ArgumentException: the key is not this certificate's
        {
            throw Unloadable(e);
        }
    }

    private static ArgumentException Unloadable(Exception e) =>
        new($"{CertificateVariable}/{KeyVariable}: could not load the certificate and its key ({e.Message.TrimEnd('.')}); " +
            "give a PEM certificate and the PEM private key that belongs to it (or a .pfx with its password).");

    private static bool IsPem(string value) => value.Contains("-----BEGIN", StringComparison.Ordinal);

    private static string Source(string value) => IsPem(value) ? "the PEM text" : value;

    private static string Text(string value, string variable)
    {
        if (IsPem(value)) return value;
        try
        {
            return File.ReadAllText(value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{variable}: cannot read {value} ({e.Message.TrimEnd('.')}); give a file path or the PEM text itself.");
        }
    }
}
