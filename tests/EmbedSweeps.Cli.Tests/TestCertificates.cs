using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EmbedSweeps.Cli.Tests;

/// <summary>A private CA and the certificates it issues, written as PEM files the way an operator would make them with openssl.</summary>
internal sealed class TestCertificates(string folder)
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1", ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A self-signed CA: its certificate (PEM) at NAME.pem; returns it with its key.</summary>
    public X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(Path(name + ".pem"), authority.ExportCertificatePem());
        return authority;
    }

    /// <summary>A member certificate issued by <paramref name="authority"/>, for server and client authentication: NAME.pem and NAME.key.</summary>
    /// <param name="serverOnly">Extended key usage server authentication only (a web server's certificate, not a cluster member's).</param>
    public void Issue(X509Certificate2 authority, string name, DateTimeOffset? notAfter = null, bool serverOnly = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(serverOnly ? [new Oid(ServerAuthentication)] : [new Oid(ServerAuthentication), new Oid(ClientAuthentication)], critical: false));
        var notBefore = (notAfter ?? DateTimeOffset.UtcNow).AddDays(-1);
        using var certificate = request.Create(authority, notBefore, notAfter ?? DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(Path(name + ".pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path(name + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    public string Path(string file) => System.IO.Path.Combine(folder, file);

    /// <summary>The environment that gives a process the member certificate NAME of the CA AUTHORITY.</summary>
    public Dictionary<string, string> Environment(string name, string authority) => new()
    {
        ["EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE"] = Path(name + ".pem"),
        ["EMBEDSWEEPS__CLUSTER__TLS__KEY"] = Path(name + ".key"),
        ["EMBEDSWEEPS__CLUSTER__TLS__CA"] = Path(authority + ".pem"),
    };
}
