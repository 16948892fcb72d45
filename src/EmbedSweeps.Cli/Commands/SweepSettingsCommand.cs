using System.CommandLine;
using System.Globalization;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps sweep settings</c>: every trial setting, as the one table (<see cref="TrialSettings"/>) holds it, as a
/// Markdown table — the same one sweeps/README.md shows (a test keeps them equal).
/// </summary>
internal static class SweepSettingsCommand
{
    public static Command Create()
    {
        var command = new Command("settings", "List every trial setting: where a sweep sets it, type, range, default and the losses that read it.");
        command.SetAction(_ =>
        {
            Console.Write(Markdown());
            return CommandLine.Success;
        });
        return command;
    }

    /// <summary>The table in Markdown, one row per setting in the table's order, ending with a newline.</summary>
    public static string Markdown()
    {
        var lines = new List<string>
        {
            "| key | set in | type | range | default | in the trial id | losses that read it | meaning |",
            "|---|---|---|---|---|---|---|---|",
        };
        foreach (var s in TrialSettings.All)
        {
            var readBy = s.UsedBy is { } losses ? string.Join(", ", losses) : s.Sweepable ? "every loss" : "—";
            lines.Add($"| `{s.Name}` | {s.SetIn} | {Type(s)} | {Range(s)} | {Default(s)} | {(s.InTrialId ? "yes" : "no")} | {readBy} | {s.Description} |");
        }
        return string.Join('\n', lines) + "\n";
    }

    private static string Type(TrialSettings.Setting s) => s.Name == "evaluation" ? "list (see Evaluation)" : s.Type switch
    {
        TrialSettings.ValueType.Integer => "whole number",
        TrialSettings.ValueType.Number => "number",
        TrialSettings.ValueType.Boolean => "true / false",
        _ => "text",
    };

    private static string Range(TrialSettings.Setting s) => s.Choices is { } choices ? string.Join(", ", choices) : s.Range;

    private static string Default(TrialSettings.Setting s) => s.Default switch
    {
        null when s.Name is "base_model" or "loss" => "(required)",
        null => "—",
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture).ToLowerInvariant(),
        var text => text.ToString()!,
    };
}
