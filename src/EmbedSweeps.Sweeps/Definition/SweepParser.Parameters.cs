using System.Text.RegularExpressions;
using EmbedSweeps.Sweeps.Yaml;

namespace EmbedSweeps.Sweeps.Definition;

// The parameters section: values, distributions and conditions of each swept setting.
public static partial class SweepParser
{
    private static List<ParameterSpace> ParseParameters(NodeReader reader, YamlMapping sweep)
    {
        var mapping = Required(reader, sweep, "parameters", n => reader.Mapping(n, "parameters"));
        var result = new List<ParameterSpace>();
        if (mapping is null) return result;
        var conditions = new List<(int Index, YamlNode Node)>();
        foreach (var (key, value) in mapping.Entries)
        {
            if (!TrialSettings.Sweepable.TryGetValue(key.Value, out var setting))
            {
                reader.Report(key, TrialSettings.ByName.TryGetValue(key.Value, out var fixedSetting)
                    ? fixedSetting.SetIn.StartsWith("none", StringComparison.Ordinal)
                        ? $"'{key.Value}' is not set in a sweep file: {fixedSetting.SetIn[6..^1]}."
                        : $"'{key.Value}' is set for the whole sweep, not swept: set it under {fixedSetting.SetIn}."
                    : $"unknown parameter '{key.Value}'{Suggestions.DidYouMean(key.Value, TrialSettings.Sweepable.Keys)} (valid: {string.Join(", ", TrialSettings.Sweepable.Keys)}).");
                continue;
            }
            var space = ParseSpace(reader, setting, value);
            if (space is null) continue;
            if (value is YamlMapping { } form && form["when"] is { } when)
            {
                // Every trial needs a model and a loss: they cannot be left out of some.
                if (key.Value is "base_model" or "loss") { reader.Report(when, $"{key.Value} cannot have a when: every trial needs one; make the other parameters conditional on it instead."); continue; }
                conditions.Add((result.Count, when));
            }
            result.Add(space);
        }
        // Conditions last: a when may name a parameter declared after it.
        var conditional = conditions.Select(c => result[c.Index].Name).ToHashSet();
        foreach (var (index, node) in conditions)
            if (ParseCondition(reader, node, result[index].Name, result, conditional) is { } condition) result[index] = result[index] with { When = condition };
        foreach (var required in new[] { "base_model", "loss" })
            if (mapping[required] is null) reader.Report(mapping, $"parameters must set '{required}' (a value or a list of values).");
        if (mapping["warmup_steps"] is not null && mapping["warmup_ratio"] is not null)
            reader.Report(mapping["warmup_ratio"]!, "give warmup_steps or warmup_ratio, not both.");
        return result;
    }

    private static ParameterSpace? ParseSpace(NodeReader reader, TrialSettings.Setting setting, YamlNode node)
    {
        switch (node)
        {
            case YamlSequence list:
                if (list.Items.Count == 0) { reader.Report(node, $"{setting.Name}: an empty list gives no trials; give at least one value."); return null; }
                var values = list.Items.Select(item => Value(reader, setting, item)).ToList();
                if (values.Any(v => v is null)) return null;
                var distinct = values.Distinct().Count();
                if (distinct != values.Count) reader.Report(node, $"{setting.Name}: the list repeats a value; each value gives its own trials.");
                return new CategoricalParameter(setting.Name, values!);
            case YamlMapping mapping:
            {
                reader.OnlyKeys(mapping, setting.Name, "values", "value", "distribution", "min", "max", "when");
                var forms = new[] { "values", "value", "distribution" }.Where(k => mapping[k] is not null).ToList();
                if (forms.Count != 1)
                {
                    reader.Report(mapping, $"{setting.Name}: give one of values: [a, b], value: a, or distribution: … with min and max{(forms.Count > 1 ? $" (not {string.Join(" and ", forms)})" : "")}.");
                    return null;
                }
                if (mapping["values"] is { } listed)
                {
                    if (listed is YamlSequence) return ParseSpace(reader, setting, listed);
                    reader.Report(listed, $"{setting.Name}.values must be a list such as [10, 20].");
                    return null;
                }
                if (mapping["value"] is { } single)
                {
                    if (single is YamlScalar) return ParseSpace(reader, setting, single);
                    reader.Report(single, $"{setting.Name}.value must be one value; use values: [...] for a list.");
                    return null;
                }
                return ParseDistribution(reader, setting, mapping);
            }
            default:
                var value = Value(reader, setting, node);
                return value is null ? null : new FixedParameter(setting.Name, value);
        }
    }

    // when: { loss: [cosent, mnrl], … }: each key an unconditional listed parameter of this sweep, each value one of its values.
    private static Condition? ParseCondition(NodeReader reader, YamlNode node, string name, List<ParameterSpace> parameters, HashSet<string> conditional)
    {
        var mapping = reader.Mapping(node, $"{name}.when");
        if (mapping is null) return null;
        if (mapping.Entries.Count == 0) { reader.Report(mapping, $"{name}.when is empty; name the parameters it depends on, e.g. when: {{ loss: [cosent] }}."); return null; }
        var allowed = new Dictionary<string, IReadOnlyList<object>>();
        foreach (var (key, value) in mapping.Entries)
        {
            var other = parameters.FirstOrDefault(p => p.Name == key.Value);
            if (key.Value == name) { reader.Report(key, $"{name}.when cannot name {name} itself."); continue; }
            if (other is null)
            {
                var names = parameters.Select(p => p.Name).Where(n => n != name).ToList();
                reader.Report(key, $"{name}.when names '{key.Value}', which this sweep does not set{Suggestions.DidYouMean(key.Value, names)} (parameters: {string.Join(", ", names)}).");
                continue;
            }
            if (conditional.Contains(other.Name) || other is DistributionParameter)
            {
                reader.Report(key, $"{name}.when may name only parameters with listed values and no when of their own; {key.Value} is {(conditional.Contains(other.Name) ? "conditional" : "a distribution")}.");
                continue;
            }
            var choices = other is FixedParameter f ? [f.Value] : ((CategoricalParameter)other).Values;
            var items = value is YamlSequence list ? list.Items : [value];
            var values = new List<object>();
            foreach (var item in items)
            {
                if (Value(reader, TrialSettings.ByName[key.Value], item) is not { } parsed) continue;
                if (!choices.Any(c => Equals(c, parsed)))
                    reader.Report(item, $"{name}.when: {key.Value} '{Convert.ToString(parsed, System.Globalization.CultureInfo.InvariantCulture)}' is not one of this sweep's values for {key.Value} ({string.Join(", ", choices.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture)))}).");
                else values.Add(parsed);
            }
            if (values.Count > 0) allowed[key.Value] = values;
        }
        return allowed.Count == mapping.Entries.Count ? new Condition(allowed) : null;
    }

    // A swept setting that some of the sweep's losses never read trains the same model once per value for those losses.
    private static List<SweepProblem> UnusedByLosses(string file, YamlMapping sweep, IReadOnlyList<ParameterSpace> parameters)
    {
        var warnings = new List<SweepProblem>();
        var loss = parameters.FirstOrDefault(p => p.Name == "loss");
        var losses = loss switch { FixedParameter f => [(string)f.Value], CategoricalParameter c => c.Values.Cast<string>().ToList(), _ => new List<string>() };
        var entries = (sweep["parameters"] as YamlMapping)?.Entries ?? [];
        foreach (var parameter in parameters.Where(p => p is not FixedParameter && TrialSettings.ByName[p.Name].UsedBy is not null))
        {
            var usedBy = TrialSettings.ByName[parameter.Name].UsedBy!;
            var applies = parameter.When?.Allowed.GetValueOrDefault("loss")?.Cast<string>().ToList() ?? losses;
            var unused = applies.Where(l => !usedBy.Contains(l)).ToList();
            if (unused.Count == 0) continue;
            var used = applies.Where(usedBy.Contains).ToList();
            var at = entries.First(e => e.Key.Value == parameter.Name).Key.Mark;
            warnings.Add(new SweepProblem(file, at.Line, at.Column, used.Count == 0
                ? $"{parameter.Name} is read only by {string.Join(", ", usedBy)}; no loss of this sweep uses it, so its values train the same model."
                : $"{parameter.Name} is read only by {string.Join(", ", usedBy)}; with loss {string.Join(", ", unused)} its values train the same model — add when: {{ loss: [{string.Join(", ", used)}] }}."));
        }
        return warnings;
    }

    private static DistributionParameter? ParseDistribution(NodeReader reader, TrialSettings.Setting setting, YamlMapping mapping)
    {
        if (setting.Type is not (TrialSettings.ValueType.Number or TrialSettings.ValueType.Integer))
        {
            reader.Report(mapping, $"{setting.Name} is not numeric; give a value or a list of values.");
            return null;
        }
        var kind = Required(reader, mapping, "distribution", n => reader.Choice(n, "distribution", Distributions));
        var min = Required(reader, mapping, "min", n => reader.Number(n, $"{setting.Name}.min"));
        var max = Required(reader, mapping, "max", n => reader.Number(n, $"{setting.Name}.max"));
        if (kind is null || min is null || max is null) return null;
        if (min >= max) { reader.Report(mapping["max"]!, $"{setting.Name}: max {max} must be greater than min {min}."); return null; }
        if (kind == "log_uniform" && min <= 0) { reader.Report(mapping["min"]!, $"{setting.Name}: log_uniform needs min > 0."); return null; }
        if (setting.Type == TrialSettings.ValueType.Integer && kind != "int_uniform")
            reader.Report(mapping["distribution"]!, $"{setting.Name} is a whole number; use distribution: int_uniform.");
        if (setting.Type == TrialSettings.ValueType.Number && kind == "int_uniform")
            reader.Report(mapping["distribution"]!, $"{setting.Name} is a real number; use uniform or log_uniform.");
        var valid = true;
        foreach (var (bound, key) in new[] { (min.Value, "min"), (max.Value, "max") })
        {
            // int_uniform draws whole numbers between its bounds, so the bounds are whole numbers too (a fractional one
            // used to be truncated, and min: -0.5 drew -1 for warmup_steps).
            if (kind == "int_uniform" && bound != Math.Floor(bound))
            {
                reader.Report(mapping[key]!, $"{setting.Name}.{key} {bound.ToString(System.Globalization.CultureInfo.InvariantCulture)}: int_uniform bounds are whole numbers (both are included).");
                valid = false;
            }
            else if (setting.Check(bound) is { } problem)
            {
                reader.Report(mapping[key]!, problem);
                valid = false;
            }
        }
        if (!valid) return null;
        return new DistributionParameter(setting.Name, kind switch { "uniform" => DistributionKind.Uniform, "log_uniform" => DistributionKind.LogUniform, _ => DistributionKind.IntUniform },
            min.Value, max.Value);
    }

    // A value of the setting by its row of TrialSettings (type, range, choices); messages name it key (default: its name).
    private static object? Value(NodeReader reader, TrialSettings.Setting setting, YamlNode node, string? key = null)
    {
        key ??= setting.Name;
        object? value = setting.Type switch
        {
            TrialSettings.ValueType.Integer => reader.Integer(node, key),
            TrialSettings.ValueType.Number => reader.Number(node, key),
            TrialSettings.ValueType.Boolean => reader.Boolean(node, key),
            _ => setting.Choices is null ? reader.Text(node, key) : reader.Choice(node, key, setting.Choices),
        };
        if (value is null) return null;
        if (setting.Choices is null && setting.Check(value, key) is { } problem) { reader.Report(node, problem); return null; }
        return value;
    }
}
