using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace EmbedSweeps.Client;

/// <summary>One change made through the CLI or the web, as the audit trail keeps it.</summary>
/// <param name="At">When, UTC.</param>
/// <param name="Actor">Who: the operating-system user of a CLI command, the signed-in user of the web app ("anonymous" when nobody was).</param>
/// <param name="Origin">From where: the machine a CLI command ran on, the client address of a web request.</param>
/// <param name="Channel"><c>cli</c> or <c>web</c>.</param>
/// <param name="Action"><c>submit</c>, <c>cancel</c>, <c>retry</c>, <c>promote</c> or <c>sign-in</c>.</param>
/// <param name="Target">What it acted on: a sweep, <c>SWEEP/TRIAL → alias</c>, the administrator account.</param>
/// <param name="Outcome"><c>succeeded</c>, or <c>refused: …</c> / <c>failed: …</c> with the reason.</param>
public sealed record AuditRecord(DateTimeOffset At, string Actor, string Origin, string Channel, string Action, string Target, string Outcome);

/// <summary>
/// The append-only record of every change made through the CLI or the web — promote, cancel, retry, submit, sign-in
/// success and failure — in the table <c>{prefix}Audit</c> of the deployment's storage account. Records are only ever
/// inserted (an insert never overwrites: each row key is new), never updated or deleted by EmbedSweeps; newest first.
/// </summary>
public sealed class AuditTrail(TableClient table)
{
    private const string Partition = "audit";
    private const int LongestText = 500;

    public static AuditTrail For(EmbedSweepsClusterOptions options) => new(options.Tables().GetTableClient(options.StoragePrefix + "Audit"));

    /// <summary>Appends one record. Texts longer than 500 characters are cut (a reason is a sentence, not a dump).</summary>
    /// <exception cref="RequestFailedException">Storage refused the write (unreachable, no permission).</exception>
    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        // Newest first in the table's own order: row keys sort ascending, so the key counts down from the end of time.
        var rowKey = $"{DateTimeOffset.MaxValue.UtcTicks - record.At.UtcTicks:D19}-{Guid.NewGuid():N}";
        var entity = new TableEntity(Partition, rowKey)
        {
            ["At"] = record.At.ToUniversalTime(),
            ["Actor"] = Cut(record.Actor),
            ["Origin"] = Cut(record.Origin),
            ["Channel"] = Cut(record.Channel),
            ["Action"] = Cut(record.Action),
            ["Target"] = Cut(record.Target),
            ["Outcome"] = Cut(record.Outcome),
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            await table.AddEntityAsync(entity, cancellationToken);
        }
    }

    /// <summary>The newest <paramref name="limit"/> records, newest first; none when nothing was ever recorded.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(int limit, CancellationToken cancellationToken = default)
    {
        var records = new List<AuditRecord>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
            {
                records.Add(new AuditRecord(row.GetDateTimeOffset("At") ?? row.Timestamp ?? DateTimeOffset.MinValue, Text(row, "Actor"), Text(row, "Origin"),
                    Text(row, "Channel"), Text(row, "Action"), Text(row, "Target"), Text(row, "Outcome")));
                if (records.Count >= limit) break;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // no table yet: nothing was ever changed
        }
        return records;
    }

    /// <summary>
    /// How a change that threw ended, for its record: <c>interrupted: outcome unknown</c> (cancelled after the request may have
    /// reached the cluster), <c>refused: …</c> (not allowed), <c>failed: …</c> (anything else), with the reason's first line.
    /// </summary>
    public static string Outcome(Exception e) => e switch
    {
        OperationCanceledException => "interrupted: outcome unknown",
        UnauthorizedAccessException => "refused: " + Reason(e),
        _ => "failed: " + Reason(e),
    };

    /// <summary>The first line of an error message, for an outcome: what went wrong, without a stack or a multi-line dump.</summary>
    public static string Reason(Exception e) => e.Message.Split('\n', 2)[0].Trim();

    private static string Cut(string text) => text.Length <= LongestText ? text : text[..(LongestText - 1)] + "…";

    private static string Text(TableEntity row, string name) => row.TryGetValue(name, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" : "";
}
