using System.CommandLine;
using System.Globalization;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Client;
using EmbedSweeps.Cli.Output;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps audit [--limit N] [--json]</c>: the audit trail — every submit, cancel, retry, promote and web sign-in,
/// newest first — read straight from storage (no cluster needs to run).
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "Show the newest N records.", DefaultValueFactory = _ => 50 };
        limit.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print JSON: at, actor, origin, channel, action, target, outcome." };
        var command = new Command("audit", "Every change made through the CLI or the web (submit, cancel, retry, promote, sign-in), who made it, from where, and its outcome.") { limit, json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var options = result.Hosting().Cluster;
            if (await StorageProbe.ProblemAsync(options, cancellationToken) is { } problem) throw new EmbedSweepsException(problem);
            var records = await AuditTrail.For(options).ReadAsync(result.GetValue(limit), cancellationToken);
            if (result.GetValue(json))
            {
                JsonOutput.Print(records);
                return CommandLine.Success;
            }
            if (records.Count == 0)
            {
                Console.WriteLine("no changes recorded yet: submit, cancel, retry, promote and web sign-ins appear here.");
                return CommandLine.Success;
            }
            var rows = records.Select(r => new[]
            {
                r.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), r.Channel, $"{r.Actor}@{r.Origin}", r.Action, r.Target, r.Outcome,
            }).ToList();
            string[] header = ["when", "via", "who", "action", "target", "outcome"];
            var widths = header.Select((h, i) => Math.Min(48, rows.Max(r => r[i].Length) is var w && w > h.Length ? w : h.Length)).ToArray();
            Console.WriteLine(string.Join("  ", header.Select((h, i) => i == header.Length - 1 ? h : h.PadRight(widths[i]))));
            foreach (var row in rows)
                Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
            return CommandLine.Success;
        }));
        return command;
    }
}
