using System.CommandLine;
using System.Globalization;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Cli.Output;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Sweeps.Reports;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps sweep importance NAME [--target-quantile 0.1] [--json]</c>: each swept parameter's share of the
/// importance for reaching the sweep's best trials, by PED-ANOVA (Optuna's default importance evaluator).
/// </summary>
internal static class SweepImportanceCommand
{

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The sweep's name." };
        var quantile = new Option<double>("--target-quantile")
        {
            Description = "Compare the parameter values of this best share of the succeeded trials with all of them (γ′ of PED-ANOVA, between 0 and 1).",
            DefaultValueFactory = _ => 0.1,
        };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("importance", "How much each swept parameter mattered for the sweep's best trials (PED-ANOVA, as Optuna's default).") { name, quantile, json };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var targetQuantile = result.GetValue(quantile);
            if (!(targetQuantile > 0 && targetQuantile < 1))
                throw new EmbedSweepsException($"--target-quantile {targetQuantile.ToString(CultureInfo.InvariantCulture)}: give a share above 0 and below 1, e.g. 0.1 for the best 10 %.");
            await using var session = await ClusterSession.StartAsync(result.Hosting(), trainer: false, cancellationToken);
            var snapshot = await ClusterCommands.Existing(session, result.GetValue(name)!);
            var report = await ClusterReads.ReadAsync(() => session.Client.GetGrain<IExperimentGrain>(snapshot.Name).ImportanceAsync(targetQuantile), cancellationToken);
            if (result.GetValue(json))
            {
                JsonOutput.Print(new
                {
                    sweep = snapshot.Name, objective = snapshot.Objective, goal = snapshot.Maximize ? "maximize" : "minimize", method = report.Method,
                    target_quantile = report.TargetQuantile, trials = report.Trials, top_trials = report.TopTrials,
                    importance = report.Shares.ToDictionary(s => s.Parameter, s => Math.Round(s.Share, 6)), warnings = report.Warnings,
                });
                return CommandLine.Success;
            }
            Print(snapshot, report);
            return CommandLine.Success;
        }));
        return command;
    }

    private static void Print(ExperimentSnapshot snapshot, ParameterImportanceReport report)
    {
        Console.WriteLine($"{snapshot.Name}: what the top {ParameterImportance.Percent(report.TargetQuantile)} by {snapshot.Objective} ({report.TopTrials} of {report.Trials} succeeded trial(s)) have in common");
        if (report.Shares.Count == 0) Console.WriteLine("no swept parameter.");
        var width = report.Shares.Select(s => s.Parameter.Length).DefaultIfEmpty(9).Max();
        foreach (var share in report.Shares)
            Console.WriteLine($"  {share.Parameter.PadRight(width)}  {(share.Share * 100).ToString("0.0", CultureInfo.InvariantCulture),5}%  {new string('█', (int)Math.Round(share.Share * 40))}");
        Console.WriteLine($"method: {report.Method}");
        foreach (var warning in report.Warnings) Console.Error.WriteLine($"warning: {warning}");
    }
}
