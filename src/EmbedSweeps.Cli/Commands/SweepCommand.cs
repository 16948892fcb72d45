using System.CommandLine;
using System.Globalization;
using EmbedSweeps.Cli.Output;
using EmbedSweeps.Sweeps;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Cli.Commands;

/// <summary><c>embedsweeps sweep validate|expand FILE</c>: check a sweep file and list the trials it makes.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var validateFile = new Argument<string>("file") { Description = "The sweep YAML file." };
        var validate = new Command("validate", "Check a sweep file; print 'valid: N trials' or every problem as FILE:LINE:COLUMN: message.") { validateFile };
        validate.SetAction(CommandLine.Guard((result, _) =>
        {
            var sweep = Load(result.GetValue(validateFile)!);
            if (sweep is null) return Task.FromResult(CommandLine.BadInput);
            var trials = SweepExpansion.InitialTrials(sweep);
            Console.WriteLine(sweep.Method == SearchMethod.Bayes
                ? $"valid: up to {SearchSpace.Budget(sweep)} trials (bayes: {trials.Count} random start-up trials, then TPE suggestions)"
                : $"valid: {trials.Count} trial{(trials.Count == 1 ? "" : "s")}");
            if (sweep.Method != SearchMethod.Grid && SearchSpace.Size(sweep.Parameters) is { } size && size < sweep.Limits.MaxTrials)
                Console.WriteLine($"note: the space holds only {size} configuration{(size == 1 ? "" : "s")}, fewer than max_trials ({sweep.Limits.MaxTrials}); the search ends when it has tried them all.");
            return Task.FromResult(CommandLine.Success);
        }));

        var expandFile = new Argument<string>("file") { Description = "The sweep YAML file." };
        var json = new Option<bool>("--json") { Description = "Print the trials as JSON." };
        var expand = new Command("expand", "List the trials a sweep file makes: id and settings.") { expandFile, json };
        expand.SetAction(CommandLine.Guard((result, _) =>
        {
            var sweep = Load(result.GetValue(expandFile)!);
            if (sweep is null) return Task.FromResult(CommandLine.BadInput);
            var trials = SweepExpansion.InitialTrials(sweep);
            if (result.GetValue(json))
            {
                var document = new
                {
                    sweep = sweep.Name,
                    method = sweep.Method.ToString().ToLowerInvariant(),
                    objective = new { metric = sweep.Objective.Metric, goal = sweep.Objective.Goal.ToString().ToLowerInvariant() },
                    // Named and written as every --json output: trial_id, and the evaluation list as JSON, not JSON text.
                    trials = trials.Select(t => new { trial_id = t.Id, settings = JsonOutput.Object(TrialConfig.Canonical(t.Settings)) }),
                };
                JsonOutput.Print(document);
            }
            else PrintTable(sweep, trials);
            return Task.FromResult(CommandLine.Success);
        }));
        return new Command("sweep", "Hyperparameter sweeps defined in YAML (see sweeps/README.md).")
        {
            validate, expand, SweepSettingsCommand.Create(), ClusterCommands.Run(), ClusterCommands.Status(), ClusterCommands.Cancel(), SweepRetryCommand.Create(), SweepImportanceCommand.Create(), ClusterCommands.List(),
        };
    }

    private static SweepDefinition? Load(string path)
    {
        try
        {
            var sweep = SweepParser.ParseFile(path);
            foreach (var warning in sweep.Warnings) Console.Error.WriteLine($"warning: {warning}");
            return sweep;
        }
        catch (SweepValidationException e)
        {
            foreach (var problem in e.Problems) Console.Error.WriteLine(problem);
            Console.Error.WriteLine($"{e.Problems.Count} problem(s); no trial was created.");
            return null;
        }
    }

    private static void PrintTable(SweepDefinition sweep, List<TrialConfig> trials)
    {
        var columns = sweep.Parameters.Where(p => p is not FixedParameter).Select(p => p.Name).ToList();
        if (columns.Count == 0) columns = sweep.Parameters.Select(p => p.Name).ToList();
        string Format(object value) => value is double d ? d.ToString("G4", CultureInfo.InvariantCulture) : Convert.ToString(value, CultureInfo.InvariantCulture)!;
        // A conditional parameter a trial leaves out shows as '-'.
        var rows = trials.Select(t => new[] { t.Id }.Concat(columns.Select(c => t.Parameters.TryGetValue(c, out var v) ? Format(v) : "-")).ToArray()).ToList();
        var header = new[] { "trial" }.Concat(columns).ToArray();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) Console.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))));
        var fixedSettings = sweep.Parameters.OfType<FixedParameter>().Where(p => !columns.Contains(p.Name)).Select(p => $"{p.Name}={Format(p.Value)}");
        Console.WriteLine($"{trials.Count} trials of {sweep.Name} ({sweep.Method.ToString().ToLowerInvariant()}); every trial: {string.Join(", ", fixedSettings.Append($"data={sweep.Data.Train}"))}");
        if (sweep.Method == SearchMethod.Bayes)
            Console.WriteLine($"bayes: these are the random start-up trials; TPE suggests the rest (up to {sweep.Limits.MaxTrials}) as results arrive.");
    }
}
