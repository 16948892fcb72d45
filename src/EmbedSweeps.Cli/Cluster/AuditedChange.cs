using EmbedSweeps.Client;
using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>
/// A change made by a CLI command (submit, cancel, retry, promote), recorded in the audit trail with its outcome: who (the
/// operating-system user), from which machine, what, and whether it succeeded — also when it failed.
/// </summary>
internal static class AuditedChange
{
    public static async Task<T> RunAsync<T>(ClusterSession session, string action, string target, Func<Task<T>> change)
    {
        T result;
        try
        {
            result = await change();
        }
        catch (Exception e)
        {
            await RecordAsync(session, action, target, AuditTrail.Outcome(e));
            throw;
        }
        await RecordAsync(session, action, target, "succeeded");
        return result;
    }

    public static Task RunAsync(ClusterSession session, string action, string target, Func<Task> change) =>
        RunAsync(session, action, target, async () => { await change(); return true; });

    // The change has happened (or failed) either way: a trail that cannot be written is reported, not a reason to fail the command.
    private static async Task RecordAsync(ClusterSession session, string action, string target, string outcome)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await AuditTrail.For(session.Options).AppendAsync(
                new AuditRecord(DateTimeOffset.UtcNow, Environment.UserName, Environment.MachineName, "cli", action, target, Secrets.Redact(outcome)), timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException) // storage down, an identity refused: reported, never fatal
        {
            Console.Error.WriteLine($"warning: the audit trail could not record this {action} ({Secrets.Redact(AuditTrail.Reason(e))}).");
        }
    }
}
