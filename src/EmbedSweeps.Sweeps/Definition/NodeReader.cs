using System.Globalization;
using EmbedSweeps.Sweeps.Yaml;

namespace EmbedSweeps.Sweeps.Definition;

/// <summary>Typed access to YAML nodes that records a located problem instead of throwing.</summary>
internal sealed class NodeReader(string file)
{
    public List<SweepProblem> Problems { get; } = [];

    public void Report(YamlNode node, string message) => Problems.Add(new SweepProblem(file, node.Mark.Line, node.Mark.Column, message));

    public YamlMapping? Mapping(YamlNode? node, string what)
    {
        if (node is null) return null;
        if (node is YamlMapping mapping) return mapping;
        Report(node, $"{what} must be a mapping (key: value lines), not {node.Kind}.");
        return null;
    }

    /// <summary>Reports keys of <paramref name="mapping"/> outside <paramref name="allowed"/>, with a suggestion.</summary>
    public void OnlyKeys(YamlMapping mapping, string section, params string[] allowed)
    {
        foreach (var (key, _) in mapping.Entries)
            if (!allowed.Contains(key.Value))
                Report(key, $"unknown key '{key.Value}' in {section}{Suggestions.DidYouMean(key.Value, allowed)} (valid: {string.Join(", ", allowed)}).");
    }

    public string? Text(YamlNode? node, string what)
    {
        if (node is null) return null;
        if (node is YamlScalar { IsNull: false } scalar) return scalar.Value;
        Report(node, $"{what} must be a text value, not {(node is YamlScalar ? "empty" : node.Kind)}.");
        return null;
    }

    public string? Choice(YamlNode? node, string what, IReadOnlyList<string> choices)
    {
        var text = Text(node, what);
        if (text is null || choices.Contains(text)) return text;
        Report(node!, $"{what} '{text}' is not valid{Suggestions.DidYouMean(text, choices)} (valid: {string.Join(", ", choices)}).");
        return null;
    }

    public long? Integer(YamlNode? node, string what, long min = long.MinValue, long max = long.MaxValue)
    {
        if (node is null) return null;
        if (node is YamlScalar { Quoted: false } scalar && long.TryParse(scalar.Value.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= min && value <= max) return value;
            Report(node, $"{what} {value} is out of range ({Bounds(min, max)}).");
            return null;
        }
        Report(node, $"{what} must be a whole number, not {Describe(node)}.");
        return null;
    }

    public double? Number(YamlNode? node, string what)
    {
        if (node is null) return null;
        if (node is YamlScalar { Quoted: false } scalar && TryNumber(scalar.Value, out var value)) return value;
        Report(node, $"{what} must be a number (e.g. 2.0e-5), not {Describe(node)}.");
        return null;
    }

    public bool? Boolean(YamlNode? node, string what)
    {
        if (node is null) return null;
        if (node is YamlScalar { Quoted: false } scalar)
        {
            if (scalar.Value is "true" or "True" or "TRUE") return true;
            if (scalar.Value is "false" or "False" or "FALSE") return false;
        }
        Report(node, $"{what} must be true or false, not {Describe(node)}.");
        return null;
    }

    /// <summary>Durations such as 90s, 30m, 2h, 1h30m or 1d.</summary>
    public TimeSpan? Duration(YamlNode? node, string what)
    {
        var text = Text(node, what);
        if (text is null) return null;
        var total = TimeSpan.Zero;
        var rest = text.Trim();
        var matched = false;
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
            if (digits == 0 || digits == rest.Length || !long.TryParse(rest[..digits], out var amount)) { matched = false; break; }
            var unit = rest[digits];
            TimeSpan? part = unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), 'd' => TimeSpan.FromDays(amount), _ => null };
            if (part is null) { matched = false; break; }
            total += part.Value;
            matched = true;
            rest = rest[(digits + 1)..];
        }
        if (matched && total > TimeSpan.Zero) return total;
        Report(node!, $"{what} '{text}' is not a duration (use e.g. 90s, 30m, 2h, 1h30m).");
        return null;
    }

    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string Describe(YamlNode node) => node is YamlScalar scalar ? (scalar.Quoted ? $"the quoted text \"{scalar.Value}\"" : $"'{scalar.Value}'") : node.Kind;

    private static string Bounds(long min, long max) =>
        max == long.MaxValue ? $"≥ {min}" : min == long.MinValue ? $"≤ {max}" : $"{min} to {max}";
}
