using System.Text.RegularExpressions;

namespace EmbedSweeps.Client;

/// <summary>
/// Keeps secrets out of what EmbedSweeps prints, logs, records or shows: storage account keys, shared access signatures,
/// passwords in connection strings, and the configured secret values themselves (the storage connection string's key,
/// the web administrator's password) wherever they appear verbatim.
/// </summary>
public static partial class Secrets
{
    private const string Mask = "***";

    // The variables whose values are secrets, as a whole or in part. The TLS certificate and key variables
    // hold a file path (not secret: it is what an error must name) or the PEM text, secret when it has a private key.
    private static readonly string[] SecretVariables =
        ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING", "EMBEDSWEEPS__WEB__ADMINPASSWORD", "EMBEDSWEEPS__CLUSTER__TLS__PASSWORD",
         "EMBEDSWEEPS__CLUSTER__TLS__CERTIFICATE", "EMBEDSWEEPS__CLUSTER__TLS__KEY"];

    /// <summary><paramref name="text"/> with every key, signature and password masked as <c>***</c>.</summary>
    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var redacted = KeyValue().Replace(text, m => m.Groups["name"].Value + "=" + Mask);
        foreach (var secret in ConfiguredSecrets())
            redacted = redacted.Replace(secret, Mask, StringComparison.Ordinal);
        return redacted;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Remembered = new(StringComparer.Ordinal);

    /// <summary>
    /// Masks <paramref name="value"/> (or, for a connection string, each key in it) from now on in this process. Options call it as they
    /// bind a secret setting from configuration; masking is additive on purpose: hiding a value more than needed is never wrong.
    /// </summary>
    public static void Remember(string? value)
    {
        if (value is null) return;
        foreach (var secret in SecretsIn(value)) Remembered.TryAdd(secret, true);
    }

    // What was remembered, and the secret variables of the environment too: a message printed before (or because) binding
    // failed must not leak them either.
    private static IEnumerable<string> ConfiguredSecrets()
    {
        foreach (var secret in Remembered.Keys) yield return secret;
        foreach (var variable in SecretVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is not { } value) continue;
            if (variable.StartsWith("EMBEDSWEEPS__CLUSTER__TLS__", StringComparison.Ordinal) && !variable.EndsWith("PASSWORD", StringComparison.Ordinal)
                && !value.Contains("PRIVATE KEY", StringComparison.Ordinal)) continue;
            foreach (var secret in SecretsIn(value)) yield return secret;
        }
    }

    // The value itself, and each key or signature inside a connection string: whatever form a message quotes them in.
    private static IEnumerable<string> SecretsIn(string value)
    {
        if (value.Length < 8 || value.Equals(EmbedSweepsClusterOptions.DevelopmentStorage, StringComparison.OrdinalIgnoreCase)) yield break;
        yield return value;
        foreach (Match part in KeyValue().Matches(value)) if (part.Groups["value"].Value.Length >= 8) yield return part.Groups["value"].Value;
        // A key pasted without its name: the parser quotes such a segment back in its error.
        foreach (var segment in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (segment.Length >= 20 && BareKey().IsMatch(segment)) yield return segment;
    }

    [GeneratedRegex(@"^[A-Za-z0-9+/_-]+=*$")]
    private static partial Regex BareKey();

    [GeneratedRegex(@"(?<name>AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd|sig)=(?<value>[^;&\s""']+)", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValue();
}
