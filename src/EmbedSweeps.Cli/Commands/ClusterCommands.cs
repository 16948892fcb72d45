using System.CommandLine;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Cli.Output;
using EmbedSweeps.Client;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Sweeps;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Cli.Commands;

/// <summary>Commands that talk to the Orleans cluster: sweep run/status/cancel, leaderboard, promote, models.</summary>
internal static class ClusterCommands
{
    public static Command Run()
    {
        var file = new Argument<string>("file") { Description = "The sweep YAML file." };
        var json = new Option<bool>("--json") { Description = "Print the final leaderboard as JSON." };
        var wait = new Option<bool>("--wait") { Description = "Show progress until the sweep ends (always so when no cluster is running and this command hosts the silo)." };
        var command = new Command("run", "Submit a sweep: to the running cluster, or to a silo this command hosts until the sweep ends.") { file, wait, json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            SweepDefinition definition;
            string yaml;
            try
            {
                (definition, yaml) = SweepParser.ReadFile(path);
                foreach (var warning in definition.Warnings) Console.Error.WriteLine($"warning: {warning}");
            }
            catch (SweepValidationException e)
            {
                foreach (var problem in e.Problems) Console.Error.WriteLine(problem);
                Console.Error.WriteLine($"{e.Problems.Count} problem(s); nothing was submitted.");
                return CommandLine.BadInput;
            }
            var name = definition.Name;
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: true, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"cancelled before {name} was submitted; nothing changed.");
                return Interrupts.ExitCode;
            }
            var experiment = session.Client.GetGrain<IExperimentGrain>(name);
            var snapshot = await AuditedChange.RunAsync(session, "submit", name, () => experiment.SubmitAsync(yaml, Path.GetFileName(path)));
            Console.Error.WriteLine($"submitted {name}: {snapshot.Trials.Count} trial(s)");
            if (!session.Embedded && !result.GetValue(wait))
            {
                Console.Error.WriteLine($"the running cluster trains it; follow with `embedsweeps sweep status {name}` or `embedsweeps leaderboard {name}`.");
                if (result.GetValue(json)) JsonOutput.Print(SweepSummaryJson.Of(snapshot));
                return CommandLine.Success;
            }
            (snapshot, var interrupted) = await FollowAsync(session, name, snapshot, cancellationToken);
            if (interrupted) return await StopFollowingAsync(session, name, $"embedsweeps sweep run {path}", snapshot);
            var rows = EmbedSweeps.Abstractions.Leaderboard.Rank(snapshot);
            var searched = snapshot.Trials.Count(t => !t.Baseline);
            if (snapshot.Status == ExperimentStatus.Completed && definition.Method == SearchMethod.Bayes && searched < definition.Limits.MaxTrials)
                Console.Error.WriteLine($"the search space is spent: all {searched} configurations were tried (max_trials is {definition.Limits.MaxTrials}).");
            if (result.GetValue(json)) JsonOutput.Print(LeaderboardJson.Of(snapshot, rows)); // report.pareto's front is marked by the experiment
            else LeaderboardTable.Print(snapshot, rows, null, definition.Pareto);
            return snapshot.Status == ExperimentStatus.Completed ? CommandLine.Success : CommandLine.InternalError;
        }));
        return command;
    }

    /// <summary>Prints progress every 2 s until the sweep is no longer running or the command is interrupted; returns the last snapshot.</summary>
    internal static async Task<(ExperimentSnapshot Snapshot, bool Interrupted)> FollowAsync(ClusterSession session, string name, ExperimentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var experiment = session.Client.GetGrain<IExperimentGrain>(name);
        var last = "";
        var sinceLast = System.Diagnostics.Stopwatch.StartNew();
        while (snapshot.Status == ExperimentStatus.Running)
        {
            if (cancellationToken.IsCancellationRequested) return (snapshot, true);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return (snapshot, true);
            }
            snapshot = await ClusterReads.ReadAsync(experiment.GetAsync, CancellationToken.None);
            var line = $"{name}: {snapshot.Count(TrialStatus.Succeeded)} succeeded, {snapshot.Count(TrialStatus.Running)} running, " +
                       $"{snapshot.Count(TrialStatus.Pending)} pending, {snapshot.Count(TrialStatus.Failed)} failed, {snapshot.Count(TrialStatus.Stopped)} stopped" +
                       (snapshot.BestValue is { } best ? $"; best {snapshot.Objective} = {best:F4} ({snapshot.BestTrialId})" : "");
            var current = snapshot;
            var runningTrials = current.Trials.Where(t => t.Status == TrialStatus.Running).ToList();
            var running = await ClusterReads.ReadAsync(() => Task.WhenAll(runningTrials.Select(t => session.Client.Trial(name, t.TrialId).GetAsync())), CancellationToken.None);
            var table = string.Concat(running.Zip(runningTrials, (t, entry) =>
                "\n  " + ProgressLine(TrialProgress.Of(t, snapshot.Objective, snapshot.Maximize, DateTimeOffset.UtcNow), entry.Baseline)));
            // On a terminal every change shows; into a log (stderr redirected) the per-trial lines change every 2 s, so
            // print when the counts or the best change, and otherwise once a minute.
            var key = Console.IsErrorRedirected ? line : line + table;
            if (key != last || (Console.IsErrorRedirected && sinceLast.Elapsed >= TimeSpan.FromMinutes(1)))
            {
                Console.Error.WriteLine(line + table);
                sinceLast.Restart();
            }
            last = key;
        }
        return (snapshot, false);
    }

    /// <summary>
    /// Ctrl-C or SIGTERM while following. As a client: stop following, the sweep goes on in the cluster. Hosting the
    /// silo: stop it (its workers first); the running trials stay Running with their checkpoints, and the next
    /// <paramref name="continueWith"/> (<c>sweep run FILE</c>) resumes them. Exit 130 either way.
    /// </summary>
    internal static async Task<int> StopFollowingAsync(ClusterSession session, string name, string continueWith, ExperimentSnapshot snapshot)
    {
        var running = snapshot.Count(TrialStatus.Running);
        if (!session.Embedded)
        {
            Console.Error.WriteLine($"stopped following {name}; it goes on in the cluster. Follow it with `embedsweeps sweep status {name}`, or stop it with `embedsweeps sweep cancel {name}`.");
            return Interrupts.ExitCode;
        }
        Console.Error.WriteLine("stopping the silo this command hosts and its trial workers …");
        await session.DisposeAsync();
        Console.Error.WriteLine($"stopped {name}: {snapshot.Count(TrialStatus.Succeeded)} trial(s) finished, {running} stopped while running, {snapshot.Count(TrialStatus.Pending)} not started. " +
                                $"Run `{continueWith}` to continue: running trials resume from their last checkpoints.");
        return Interrupts.ExitCode;
    }

    // Rows with OnParetoFront set when Pareto metrics are given (JSON output).
    private static List<LeaderboardRow> WithFront(List<LeaderboardRow> rows, IReadOnlyList<string> pareto)
    {
        if (pareto.Count == 0) return rows;
        var front = LeaderboardTable.OnFront(rows, pareto);
        return rows.Select(r => r with { OnParetoFront = !r.Baseline && front.Contains(r.TrialId) }).ToList();
    }

    // A baseline only evaluates; a trial past its last step is in its final evaluation (a minute or more on a CPU),
    // which the line says instead of a step count that stopped moving.
    internal static string ProgressLine(TrialProgress p, bool baseline)
    {
        if (baseline) return $"{p.TrialId}  evaluating the untrained base model  {p.Elapsed:hh\\:mm\\:ss}";
        var evaluating = p.TotalSteps is > 0 and var total && p.Step >= total;
        return $"{p.TrialId}  step {p.Step}{(p.TotalSteps is { } steps ? $"/{steps}" : "")}" + (evaluating ? "  final evaluation" : "") +
               (p.Loss is { } loss ? $"  loss {loss:F4}" : "") + (p.Best is { } best ? $"  best {best:F4}" : "") +
               $"  {p.Elapsed:hh\\:mm\\:ss}" + (!evaluating && p.Remaining is { } eta ? $"  ETA {eta:hh\\:mm\\:ss}" : "");
    }

    public static Command Status()
    {
        var name = new Argument<string>("name") { Description = "The sweep's name." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("status", "Show a sweep's status and trial counts.") { name, json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            var snapshot = await Existing(session, result.GetValue(name)!);
            if (result.GetValue(json)) JsonOutput.Print(SweepSummaryJson.WithTrials(snapshot));
            else
                Console.WriteLine($"{snapshot.Name}: {snapshot.Status.ToString().ToLowerInvariant()}; " +
                    string.Join(", ", Enum.GetValues<TrialStatus>().Select(s => $"{snapshot.Count(s)} {s.ToString().ToLowerInvariant()}")) +
                    (snapshot.BestValue is { } best ? $"; best {snapshot.Objective} = {best:F4} ({snapshot.BestTrialId})" : ""));
            return CommandLine.Success;
        }));
        return command;
    }

    public static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "Every submitted sweep: status, trial counts and best result.") { json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            var names = await session.Client.GetGrain<ISweepIndexGrain>("default").ListAsync();
            var sweeps = new List<ExperimentSnapshot>();
            var unreadable = new List<string>();
            foreach (var name in names)
            {
                // One sweep that cannot be read (its storage damaged) must not hide the others.
                try { sweeps.Add(await session.Client.GetGrain<IExperimentGrain>(name).GetAsync()); }
                catch (Exception e) when (e is not OperationCanceledException) { unreadable.Add($"{name}: {e.Message}"); }
            }
            foreach (var problem in unreadable) Console.Error.WriteLine($"error: {Secrets.Redact(problem)}");
            if (result.GetValue(json)) JsonOutput.Print(sweeps.Select(SweepSummaryJson.Of));
            else if (sweeps.Count == 0) Console.WriteLine("no sweeps yet; run one with ./embedsweeps sweep run sweeps/quickstart.yaml");
            else
                foreach (var sweep in sweeps)
                    Console.WriteLine($"{sweep.Name,-24} {sweep.Status.ToString().ToLowerInvariant(),-10} {sweep.Count(TrialStatus.Succeeded)}/{sweep.Trials.Count} succeeded" +
                        (sweep.BestValue is { } best ? $"  best {sweep.Objective} = {best:F4} ({sweep.BestTrialId})" : ""));
            return unreadable.Count == 0 ? CommandLine.Success : CommandLine.InternalError;
        }));
        return command;
    }

    public static Command Cancel()
    {
        var name = new Argument<string>("name") { Description = "The sweep's name." };
        var command = new Command("cancel", "Cancel a sweep: running trials are stopped, pending ones never start.") { name };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            var snapshot = await Existing(session, result.GetValue(name)!);
            await AuditedChange.RunAsync(session, "cancel", snapshot.Name, () => session.Client.GetGrain<IExperimentGrain>(snapshot.Name).CancelAsync());
            snapshot = await session.Client.GetGrain<IExperimentGrain>(snapshot.Name).GetAsync();
            Console.WriteLine($"{snapshot.Name}: {snapshot.Status.ToString().ToLowerInvariant()}");
            return CommandLine.Success;
        }));
        return command;
    }

    public static Command Leaderboard()
    {
        var name = new Argument<string>("name") { Description = "The sweep's name." };
        var top = new Option<int?>("--top") { Description = "Show only the best K trials." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var pareto = new Option<string?>("--pareto") { Description = "Mark the Pareto front of these metrics (comma-separated, all higher-is-better), e.g. stsb_test_dim128_spearman_cosine,stsb_test_dim384_spearman_cosine." };
        var command = new Command("leaderboard", "Trials of a sweep ranked by its objective, with their settings and final metrics.") { name, top, json, pareto };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            var snapshot = await Existing(session, result.GetValue(name)!);
            var rows = EmbedSweeps.Abstractions.Leaderboard.Rank(snapshot);
            var metrics = result.GetValue(pareto)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            if (metrics.Length == 1) throw new EmbedSweepsException("--pareto needs two or more metrics, separated by commas.");
            if (metrics.FirstOrDefault(m => !rows.Any(r => r.Metrics.ContainsKey(m))) is { } unknown)
                throw new EmbedSweepsException($"--pareto: no trial of {snapshot.Name} has a metric {unknown}{Suggestions.DidYouMean(unknown, rows.SelectMany(r => r.Metrics.Keys).Distinct())}.");
            if (result.GetValue(json)) JsonOutput.Print(LeaderboardJson.Of(snapshot, LeaderboardTable.Top(WithFront(rows, metrics), result.GetValue(top))));
            else LeaderboardTable.Print(snapshot, rows, result.GetValue(top), metrics);
            return CommandLine.Success;
        }));
        return command;
    }

    public static Command Promote()
    {
        var trial = new Argument<string>("trial") { Description = "SWEEP/TRIAL_ID, as the leaderboard names it." };
        var alias = new Option<string>("--alias") { Description = "The alias to give the model.", DefaultValueFactory = _ => "champion" };
        var command = new Command("promote", "Promote a succeeded trial's model under an alias (champion by default).") { trial, alias };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var key = result.GetValue(trial)!;
            if (!TrialKey.TryParse(key, out _)) throw new EmbedSweepsException($"{key}: name the trial as SWEEP/TRIAL_ID (e.g. quickstart/t-aba06f166627550b).");
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            try
            {
                var promotion = await AuditedChange.RunAsync(session, "promote", $"{key} → {result.GetValue(alias)}",
                    () => session.Client.GetGrain<IModelRegistryGrain>("default").PromoteAsync(key, result.GetValue(alias)!, Environment.UserName));
                Console.WriteLine($"{promotion.Alias} → {promotion.TrialKey} ({promotion.OutputPath})");
            }
            catch (ArgumentException e)
            {
                throw new EmbedSweepsException(e.Message);
            }
            return CommandLine.Success;
        }));
        return command;
    }

    public static Command Models()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var list = new Command("list", "Aliases and the history of promotions.") { json };
        list.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            var registry = session.Client.GetGrain<IModelRegistryGrain>("default");
            var aliases = await registry.AliasesAsync();
            var history = await registry.HistoryAsync();
            if (result.GetValue(json)) JsonOutput.Print(new { aliases, history });
            else
            {
                foreach (var (alias, promotion) in aliases) Console.WriteLine($"{alias}: {promotion.TrialKey}  {promotion.OutputPath}  (promoted by {promotion.PromotedBy} {promotion.PromotedAt:u})");
                Console.WriteLine($"{history.Count} promotion(s) in the history.");
                if (aliases.Count > 0) Console.WriteLine($"export: ./embedsweeps export --model {aliases.First().Value.OutputPath} --output DIR");
            }
            return CommandLine.Success;
        }));
        return new Command("models", "The model registry.") { list };
    }

    internal static async Task<ExperimentSnapshot> Existing(ClusterSession session, string name)
    {
        if (!SweepName.IsValid(name))
            throw new EmbedSweepsException($"'{name}' is not a sweep name (lower-case letters, digits and '-', at most 63; see `sweep list`).");
        var snapshot = await ClusterReads.ReadAsync(() => session.Client.GetGrain<IExperimentGrain>(name).GetAsync(), CancellationToken.None);
        return snapshot.Status == ExperimentStatus.NotSubmitted
            ? throw new EmbedSweepsException($"{name}: no sweep of that name has been submitted (run ./embedsweeps sweep run FILE).")
            : snapshot;
    }
}
