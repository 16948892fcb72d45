using System.Security.Claims;
using EmbedSweeps.Client;

namespace EmbedSweeps.Web.Services;

/// <summary>
/// Records the web app's changes in the audit trail: who (the signed-in user, or "anonymous"), from which client address,
/// what, and the outcome — refused (not signed in), failed (with the reason) or succeeded. A trail that cannot be written
/// is logged, not allowed to undo or block a change that already happened.
/// </summary>
public sealed class WebAudit(AuditTrail trail, ILogger<WebAudit> logger)
{
    public async Task<T> RunAsync<T>(ClaimsPrincipal user, string origin, string action, string target, Func<Task<T>> change)
    {
        var actor = user.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";
        T result;
        try
        {
            result = await change();
        }
        catch (Exception e)
        {
            await RecordAsync(actor, origin, action, target, AuditTrail.Outcome(e));
            throw;
        }
        await RecordAsync(actor, origin, action, target, "succeeded");
        return result;
    }

    public async Task RecordAsync(string actor, string origin, string action, string target, string outcome)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await trail.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, actor, origin, "web", action, target, Secrets.Redact(outcome)), timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException) // storage down, an identity refused: logged, never fatal
        {
            logger.LogWarning("The audit trail could not record a {Action} by {Actor} from {Origin}: {Reason}", action, actor, origin, Secrets.Redact(AuditTrail.Reason(e)));
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(int limit) => trail.ReadAsync(limit);
}
