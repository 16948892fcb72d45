using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using EmbedSweeps.Client;

namespace EmbedSweeps.Web.Services;

/// <summary>
/// The administrator who may promote models and cancel sweeps. There is no default password: until
/// one is configured (<c>Web:AdminPassword</c>, env <c>EMBEDSWEEPS__WEB__ADMINPASSWORD</c>) sign-in and
/// every change are refused, and the pages say how to enable them.
/// </summary>
public sealed class AdminAccess(IConfiguration configuration)
{
    public const string Role = "admin";
    public const string EnableHint = "set EMBEDSWEEPS__WEB__ADMINPASSWORD (at least 8 characters) and restart the web app";

    private readonly string? password = Remembered(configuration["Web:AdminPassword"]);

    public string UserName { get; } = configuration["Web:AdminUser"] is { Length: > 0 } user ? user : "admin";

    public bool Enabled => password is not null;

    /// <summary>Compares in constant time, so the response time does not leak how much of a guess was right.</summary>
    public bool Verify(string? user, string? candidate) =>
        password is not null && candidate is not null && string.Equals(user, UserName, StringComparison.Ordinal) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(candidate)), SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    // The password is masked wherever a message might quote it (Secrets).
    private static string? Remembered(string? value)
    {
        if (value is not { Length: >= 8 }) return null;
        Secrets.Remember(value);
        return value;
    }

    public static bool IsAdmin(ClaimsPrincipal? user) => user?.Identity?.IsAuthenticated == true && user.IsInRole(Role);

    public void Demand(ClaimsPrincipal user, string action)
    {
        if (!Enabled) throw new UnauthorizedAccessException($"Changes are disabled: {EnableHint}.");
        if (!IsAdmin(user)) throw new UnauthorizedAccessException($"Sign in as the administrator to {action}.");
    }
}
