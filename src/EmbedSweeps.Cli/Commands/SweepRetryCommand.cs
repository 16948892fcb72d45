using System.CommandLine;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps sweep retry NAME [--failed] [--trial ID]…</c>: runs ended trials again as new attempts (from their last
/// checkpoint where one exists) — the named ones, else every failed and stopped one (<c>--failed</c>: failed only).
/// With a running cluster it returns once the retry is recorded; hosting its own silo, it follows until the sweep ends.
/// </summary>
internal static class SweepRetryCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The sweep's name." };
        var failed = new Option<bool>("--failed") { Description = "Only failed trials (default: failed, stopped and cancelled ones)." };
        var trials = new Option<string[]>("--trial") { Description = "A trial id to retry (repeat for several); it must have ended without succeeding.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("retry", "Run a sweep's failed or stopped trials again as new attempts.") { name, failed, trials };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var sweep = result.GetValue(name)!;
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: true, cancellationToken);
            var snapshot = await ClusterCommands.Existing(session, sweep);
            IReadOnlyList<string> retried;
            try
            {
                var chosen = result.GetValue(trials) ?? [];
                retried = await AuditedChange.RunAsync(session, "retry", chosen.Length > 0 ? $"{sweep}: {string.Join(", ", chosen)}" : result.GetValue(failed) ? $"{sweep}: failed trials" : sweep,
                    () => session.Client.GetGrain<IExperimentGrain>(sweep).RetryAsync(chosen, result.GetValue(failed)));
            }
            catch (ArgumentException e)
            {
                throw new EmbedSweepsException(e.Message);
            }
            snapshot = await session.Client.GetGrain<IExperimentGrain>(sweep).GetAsync();
            if (retried.Count == 0 && (snapshot.Status != ExperimentStatus.Running || !session.Embedded))
            {
                Console.Error.WriteLine($"{sweep}: no {(result.GetValue(failed) ? "failed" : "failed, stopped or cancelled")} trial to retry.");
                return CommandLine.Success;
            }
            // Nothing new to retry but the sweep is still running (a command that hosted its silo was interrupted): hosting
            // the silo now resumes its running trials, so follow it to the end as sweep run would.
            Console.Error.WriteLine(retried.Count > 0
                ? $"{sweep}: retrying {retried.Count} trial(s): {string.Join(", ", retried)}"
                : $"{sweep}: nothing to retry; continuing its {snapshot.Count(TrialStatus.Running) + snapshot.Count(TrialStatus.Pending)} unfinished trial(s).");
            if (!session.Embedded)
            {
                Console.Error.WriteLine($"the running cluster runs them; follow with `embedsweeps sweep status {sweep}`.");
                return CommandLine.Success;
            }
            (snapshot, var interrupted) = await ClusterCommands.FollowAsync(session, sweep, snapshot, cancellationToken);
            if (interrupted) return await ClusterCommands.StopFollowingAsync(session, sweep, $"embedsweeps sweep retry {sweep}", snapshot);
            var rows = EmbedSweeps.Abstractions.Leaderboard.Rank(snapshot);
            LeaderboardTable.Print(snapshot, rows, null);
            return snapshot.Status == ExperimentStatus.Completed ? CommandLine.Success : CommandLine.InternalError;
        }));
        return command;
    }
}
