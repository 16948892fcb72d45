using System.Text.RegularExpressions;
using EmbedSweeps.Sweeps.Yaml;

namespace EmbedSweeps.Sweeps.Definition;

/// <summary>
/// Parses and validates a sweep file strictly: every problem (unknown or misspelt key, wrong type,
/// value out of range, loss that cannot use the data, objective no evaluation produces, grid larger
/// than max_trials, YAML errors) is collected with its line and column, and none becomes a trial.
/// </summary>
public static partial class SweepParser
{
    private static readonly string[] TopLevel = ["name", "description", "method", "seed", "objective", "parameters", "data", "training", "evaluation", "early_termination", "limits", "resources", "report"];
    private static readonly string[] Methods = ["grid", "random", "bayes"];
    private static readonly string[] Goals = ["maximize", "minimize"];
    private static readonly string[] StsbSplits = ["validation", "test"];
    private static readonly string[] Terminations = ["none", "median_stopping", "successive_halving"];
    private static readonly string[] Distributions = ["uniform", "log_uniform", "int_uniform"];
    private static readonly string[] ScoreOnlyData = ["stsb"];
    private static readonly string[] ScoreLosses = ["cosine", "cosent", "matryoshka_cosine", "matryoshka_cosent"];

    public static SweepDefinition ParseFile(string path) => ReadFile(path).Sweep;

    /// <summary>The file's text and its definition, read once: what is submitted is exactly what was validated.</summary>
    public static (SweepDefinition Sweep, string Text) ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SweepValidationException([new SweepProblem(path, 1, 1, $"cannot be read ({e.Message}).")]);
        }
        return (Parse(text, path), text);
    }

    public static SweepDefinition Parse(string text, string file)
    {
        var reader = new NodeReader(file);
        var root = SafeYamlReader.Read(text, file, reader.Problems);
        if (root is null) throw new SweepValidationException(reader.Problems);
        var sweep = reader.Mapping(root, "a sweep file");
        if (sweep is null) throw new SweepValidationException(reader.Problems);
        reader.OnlyKeys(sweep, "the sweep", TopLevel);

        var name = Required(reader, sweep, "name", n => reader.Text(n, "name"));
        if (name is not null && !NamePattern().IsMatch(name))
            reader.Report(sweep["name"]!, $"name '{name}' may use only a-z, 0-9 and '-', start with a letter or digit, and be at most 63 characters.");
        var description = reader.Text(sweep["description"], "description") ?? "";
        var method = reader.Choice(sweep["method"], "method", Methods) ?? "grid";
        var seed = (int)(reader.Integer(sweep["seed"], "seed", 0, int.MaxValue) ?? 42);

        var evaluation = ParseEvaluation(reader, sweep["evaluation"], Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".");
        var objective = ParseObjective(reader, sweep, evaluation);
        var parameters = ParseParameters(reader, sweep);
        var data = ParseData(reader, sweep["data"]);
        var training = ParseTraining(reader, sweep["training"]);
        var earlyTermination = ParseEarlyTermination(reader, sweep["early_termination"]);
        var limits = ParseLimits(reader, sweep["limits"]);
        var resources = ParseResources(reader, sweep["resources"]);
        var pareto = ParsePareto(reader, sweep["report"], evaluation);

        CheckCombinations(reader, sweep, method, parameters, data, limits);
        if (reader.Problems.Count > 0) throw new SweepValidationException(reader.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList());

        return new SweepDefinition(name!, description, Enum.Parse<SearchMethod>(method, ignoreCase: true), seed, objective!,
            parameters, data, training, evaluation, earlyTermination, limits, resources) { Warnings = UnusedByLosses(file, sweep, parameters), Pareto = pareto };
    }

    private static T? Required<T>(NodeReader reader, YamlMapping mapping, string key, Func<YamlNode, T?> read)
    {
        var node = mapping[key];
        if (node is not null) return read(node);
        reader.Report(mapping, $"'{key}' is required.");
        return default;
    }

    private static List<EvaluationSpec> ParseEvaluation(NodeReader reader, YamlNode? node, string baseDirectory)
    {
        if (node is null) return [new EvaluationSpec("stsb", "validation")];
        if (node is not YamlSequence list || list.Items.Count == 0)
        {
            reader.Report(node, "evaluation must be a non-empty list such as [{ task: stsb, split: validation }].");
            return [];
        }
        var result = new List<EvaluationSpec>();
        foreach (var item in list.Items)
        {
            var entry = reader.Mapping(item, "each evaluation");
            if (entry is null) continue;
            reader.OnlyKeys(entry, "evaluation", "task", "split", "data", "name", "dims", "protocol");
            var task = Required(reader, entry, "task", n => reader.Choice(n, "task", EvaluationCatalog.Tasks.ToList()));
            if (task is null) continue;
            var split = task switch
            {
                "stsb" => reader.Choice(entry["split"], "split", StsbSplits) ?? "validation",
                "banking77" => reader.Choice(entry["split"], "split", ["test"]) ?? "test",
                "mnli-retrieval" => reader.Choice(entry["split"], "split", ["validation_matched"]) ?? "validation_matched",
                "retrieval" or "classification" => reader.Text(entry["split"], "split") ?? "test",
                _ => null,
            };
            if (split is null)
            {
                if (entry["split"] is { } splitNode) reader.Report(splitNode, $"split applies to stsb, banking77, retrieval and classification, not to {task} (its data is one file).");
                split = "test";
            }
            var data = ParseEvaluationData(reader, entry, task, split, baseDirectory);
            var label = reader.Text(entry["name"], "name");
            if (label is not null && !MetricPrefixPattern().IsMatch(label))
            {
                reader.Report(entry["name"]!, $"name '{label}' must be lower-case letters, digits and '_', starting with a letter (it prefixes metric names).");
                label = null;
            }
            var dims = ParseDims(reader, entry["dims"]);
            var protocol = reader.Choice(entry["protocol"], "protocol", EvaluationCatalog.Protocols) ?? EvaluationCatalog.DefaultProtocol;
            if (entry["protocol"] is { } protocolNode && task is not ("banking77" or "classification"))
                reader.Report(protocolNode, $"protocol applies to classification tasks (banking77, classification), not to {task}.");
            var spec = new EvaluationSpec(task, split, data, label, dims, protocol);
            if (result.Any(r => r.Name == spec.Name)) reader.Report(item, $"two evaluations would both name their metrics {spec.Name}_…; give one of them a different name.");
            else result.Add(spec);
        }
        return result;
    }

    // A user task's data: a file or folder, relative to the sweep file; it must exist (the worker reads it later).
    private static string? ParseEvaluationData(NodeReader reader, YamlMapping entry, string task, string split, string baseDirectory)
    {
        var node = entry["data"];
        if (!EvaluationCatalog.OnUserData.Contains(task))
        {
            if (node is not null) reader.Report(node, $"task {task} is built in and takes no data; use task: sts, retrieval, triplet, pair-classification or classification for your own data.");
            return null;
        }
        if (node is null)
        {
            reader.Report(entry, $"task {task} needs data: a {(task is "retrieval" or "classification" ? "folder" : "file")} with your evaluation data.");
            return null;
        }
        var text = reader.Text(node, "data");
        if (text is null) return null;
        var path = Path.GetFullPath(Path.Combine(baseDirectory, text));
        var folder = task is "retrieval" or "classification";
        if (folder ? !Directory.Exists(path) : !File.Exists(path))
        {
            var wrongKind = folder ? File.Exists(path) : Directory.Exists(path);
            reader.Report(node, wrongKind
                ? $"data '{text}' is a {(folder ? "file" : "folder")}; task {task} needs a {(folder ? "folder" : "file")} ({path})."
                : $"data '{text}': no such {(folder ? "folder" : "file")} ({path}).");
            return null;
        }
        if (!folder && RequiredColumns(task) is { } columns && MissingColumns(path, columns) is { Count: > 0 } missing)
            reader.Report(node, $"data '{text}': has no column(s) {string.Join(", ", missing)}; task {task} needs {string.Join(", ", columns)}.");
        if (task == "retrieval")
            foreach (var required in new[] { "corpus.jsonl", "queries.jsonl", Path.Combine("qrels", split + ".tsv") })
                if (!File.Exists(Path.Combine(path, required)))
                    reader.Report(node, $"data '{text}': the BEIR folder has no {required}.");
        if (task == "classification")
            foreach (var file in new[] { "train", split })
                if (!new[] { ".tsv", ".csv", ".jsonl", ".parquet" }.Any(extension => File.Exists(Path.Combine(path, file + extension))))
                    reader.Report(node, $"data '{text}': the folder has no {file}.tsv (or .csv, .jsonl, .parquet) of text and label.");
        return path;
    }

    private static string[]? RequiredColumns(string task) => task switch
    {
        "sts" => ["sentence1", "sentence2", "score"],
        "pair-classification" => ["sentence1", "sentence2", "label"],
        "triplet" => ["anchor", "positive", "negative"],
        _ => null,
    };

    // The columns a .tsv/.csv header or the first .jsonl object names (Parquet is checked when read).
    private static List<string> MissingColumns(string path, string[] required)
    {
        try
        {
            var first = File.ReadLines(path).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l));
            if (first is null) return [.. required];
            IEnumerable<string> names = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".tsv" => first.TrimEnd('\r').Split('\t'),
                ".csv" => first.TrimEnd('\r').Split(',').Select(n => n.Trim().Trim('"')),
                ".jsonl" => System.Text.Json.JsonDocument.Parse(first).RootElement.EnumerateObject().Select(p => p.Name).ToList(),
                _ => required,
            };
            var present = names.ToHashSet();
            return required.Where(c => !present.Contains(c)).ToList();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            return []; // the worker's reader reports a malformed file with its line
        }
    }

    private static List<int>? ParseDims(NodeReader reader, YamlNode? node)
    {
        if (node is null) return null;
        if (node is not YamlSequence list || list.Items.Count == 0)
        {
            reader.Report(node, "dims must be a non-empty list of embedding sizes, such as [384, 256, 128, 64].");
            return null;
        }
        var dims = new List<int>();
        foreach (var item in list.Items)
        {
            var value = reader.Integer(item, "each of dims", 1, 65_536);
            if (value is null) continue;
            if (dims.Contains((int)value)) reader.Report(item, $"dims lists {value} twice.");
            else dims.Add((int)value);
        }
        return dims;
    }

    /// <summary>The metric names an evaluation produces, e.g. stsb_validation_spearman_cosine.</summary>
    public static IEnumerable<string> MetricsOf(EvaluationSpec evaluation) => EvaluationCatalog.MetricsOf(evaluation);

    private static Objective? ParseObjective(NodeReader reader, YamlMapping sweep, List<EvaluationSpec> evaluation)
    {
        var mapping = Required(reader, sweep, "objective", n => reader.Mapping(n, "objective"));
        if (mapping is null) return null;
        reader.OnlyKeys(mapping, "objective", "metric", "goal");
        var metric = Required(reader, mapping, "metric", n => reader.Text(n, "metric"));
        var goal = reader.Choice(mapping["goal"], "goal", Goals) ?? "maximize";
        if (metric is null) return null;
        var produced = evaluation.SelectMany(MetricsOf).ToList();
        if (!produced.Contains(metric))
            reader.Report(mapping["metric"]!, $"metric '{metric}' is not produced by this sweep's evaluation{Suggestions.DidYouMean(metric, produced)} (available: {string.Join(", ", produced.Take(8))}{(produced.Count > 8 ? ", …" : "")}).");
        return new Objective(metric, goal == "maximize" ? Goal.Maximize : Goal.Minimize);
    }

    private static List<ParameterSpace> ParseParameters(NodeReader reader, YamlMapping sweep)
    {
        var mapping = Required(reader, sweep, "parameters", n => reader.Mapping(n, "parameters"));
        var result = new List<ParameterSpace>();
        if (mapping is null) return result;
        var conditions = new List<(int Index, YamlNode Node)>();
        foreach (var (key, value) in mapping.Entries)
        {
            if (!TrialSettings.ByName.TryGetValue(key.Value, out var setting))
            {
                reader.Report(key, $"unknown parameter '{key.Value}'{Suggestions.DidYouMean(key.Value, TrialSettings.ByName.Keys)} (valid: {string.Join(", ", TrialSettings.ByName.Keys)}).");
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

    private static object? Value(NodeReader reader, TrialSettings.Setting setting, YamlNode node)
    {
        object? value = setting.Type switch
        {
            TrialSettings.ValueType.Integer => reader.Integer(node, setting.Name),
            TrialSettings.ValueType.Number => reader.Number(node, setting.Name),
            TrialSettings.ValueType.Boolean => reader.Boolean(node, setting.Name),
            _ => setting.Choices is null ? reader.Text(node, setting.Name) : reader.Choice(node, setting.Name, setting.Choices),
        };
        if (value is null) return null;
        if (setting.Choices is null && setting.Check(value) is { } problem) { reader.Report(node, problem); return null; }
        return value;
    }

    private static DataSpec ParseData(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "data");
        if (mapping is null) return new DataSpec("nli", null, false);
        reader.OnlyKeys(mapping, "data", "train", "max_samples", "hard_negatives");
        return new DataSpec(
            reader.Text(mapping["train"], "data.train") ?? "nli",
            (int?)reader.Integer(mapping["max_samples"], "data.max_samples", 1, int.MaxValue),
            reader.Boolean(mapping["hard_negatives"], "data.hard_negatives") ?? false);
    }

    private static TrainingSpec ParseTraining(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "training");
        if (mapping is null) return new TrainingSpec(1, null, null, null, "fp32");
        reader.OnlyKeys(mapping, "training", "epochs", "max_steps", "eval_steps", "checkpoint_steps", "precision");
        return new TrainingSpec(
            (int)(reader.Integer(mapping["epochs"], "training.epochs", 1, 1000) ?? 1),
            (int?)reader.Integer(mapping["max_steps"], "training.max_steps", 1, int.MaxValue),
            (int?)reader.Integer(mapping["eval_steps"], "training.eval_steps", 1, int.MaxValue),
            (int?)reader.Integer(mapping["checkpoint_steps"], "training.checkpoint_steps", 1, int.MaxValue),
            reader.Choice(mapping["precision"], "training.precision", ["fp32", "bf16"]) ?? "fp32");
    }

    private static EarlyTerminationSpec ParseEarlyTermination(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "early_termination");
        if (mapping is null) return EarlyTerminationSpec.None;
        reader.OnlyKeys(mapping, "early_termination", "type", "min_steps", "reduction_factor", "min_trials");
        var type = Required(reader, mapping, "type", n => reader.Choice(n, "early_termination.type", Terminations)) ?? "none";
        if (type != "successive_halving" && mapping["reduction_factor"] is { } factor)
            reader.Report(factor, "reduction_factor applies to successive_halving only.");
        return new EarlyTerminationSpec(type,
            (int)(reader.Integer(mapping["min_steps"], "early_termination.min_steps", 1, int.MaxValue) ?? 100),
            (int)(reader.Integer(mapping["reduction_factor"], "early_termination.reduction_factor", 2, 100) ?? 3),
            (int)(reader.Integer(mapping["min_trials"], "early_termination.min_trials", 1, 10_000) ?? 3));
    }

    // report: { pareto: [metric, metric, …] }: two or more distinct metrics this sweep's evaluations produce.
    private static List<string> ParsePareto(NodeReader reader, YamlNode? node, List<EvaluationSpec> evaluation)
    {
        var mapping = reader.Mapping(node, "report");
        if (mapping is null) return [];
        reader.OnlyKeys(mapping, "report", "pareto");
        if (mapping["pareto"] is not { } list) return [];
        if (list is not YamlSequence { Items.Count: >= 2 } sequence)
        {
            reader.Report(list, "report.pareto must list two or more metrics, such as [stsb_validation_spearman_cosine, banking77_accuracy].");
            return [];
        }
        var produced = evaluation.SelectMany(MetricsOf).ToList();
        var metrics = new List<string>();
        foreach (var item in sequence.Items)
        {
            if (reader.Text(item, "each of report.pareto") is not { } metric) continue;
            if (!produced.Contains(metric)) reader.Report(item, $"report.pareto: metric '{metric}' is not produced by this sweep's evaluation{Suggestions.DidYouMean(metric, produced)}.");
            else if (metrics.Contains(metric)) reader.Report(item, $"report.pareto lists {metric} twice.");
            else metrics.Add(metric);
        }
        return metrics;
    }

    private static LimitsSpec ParseLimits(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "limits");
        var defaults = new LimitsSpec(100, 4, TimeSpan.FromHours(2), 2);
        if (mapping is null) return defaults;
        reader.OnlyKeys(mapping, "limits", "max_trials", "max_concurrent_trials", "trial_timeout", "max_failures", "keep_models");
        return new LimitsSpec(
            (int)(reader.Integer(mapping["max_trials"], "limits.max_trials", 1, 100_000) ?? defaults.MaxTrials),
            (int)(reader.Integer(mapping["max_concurrent_trials"], "limits.max_concurrent_trials", 1, 10_000) ?? defaults.MaxConcurrentTrials),
            reader.Duration(mapping["trial_timeout"], "limits.trial_timeout") ?? defaults.TrialTimeout,
            (int)(reader.Integer(mapping["max_failures"], "limits.max_failures", 0, 100) ?? defaults.MaxFailures),
            (int?)reader.Integer(mapping["keep_models"], "limits.keep_models", 1, 100_000));
    }

    private static ResourcesSpec ParseResources(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "resources");
        if (mapping is null) return new ResourcesSpec("auto", 1);
        reader.OnlyKeys(mapping, "resources", "device", "trials_per_gpu");
        return new ResourcesSpec(
            reader.Choice(mapping["device"], "resources.device", ["auto", "cpu", "cuda"]) ?? "auto",
            (int)(reader.Integer(mapping["trials_per_gpu"], "resources.trials_per_gpu", 1, 64) ?? 1));
    }

    private static void CheckCombinations(NodeReader reader, YamlMapping sweep, string method, List<ParameterSpace> parameters, DataSpec data, LimitsSpec limits)
    {
        var parametersNode = sweep["parameters"] as YamlMapping;
        YamlNode At(string name) => (YamlNode?)parametersNode?.Entries.FirstOrDefault(e => e.Key.Value == name).Value ?? sweep;

        // A loss that cannot use the data: STS-B has scores, not labels or anchor/positive pairs.
        if (ScoreOnlyData.Contains(data.Train) && parameters.FirstOrDefault(p => p.Name == "loss") is { } loss)
        {
            var losses = loss switch { FixedParameter f => [(string)f.Value], CategoricalParameter c => c.Values.Cast<string>().ToList(), _ => new List<string>() };
            foreach (var bad in losses.Where(l => !ScoreLosses.Contains(l)))
                reader.Report(At("loss"), $"loss '{bad}' cannot train on data '{data.Train}' (it has similarity scores; use {string.Join(", ", ScoreLosses)}).");
        }

        var distributions = parameters.OfType<DistributionParameter>().ToList();
        if (method == "grid")
        {
            foreach (var distribution in distributions)
                reader.Report(At(distribution.Name), $"{distribution.Name}: grid search needs a list of values; use method: random or bayes to sample a distribution.");
            if (distributions.Count == 0)
            {
                var size = Expansion.SearchSpace.Size(parameters) ?? long.MaxValue;
                if (size > limits.MaxTrials)
                    reader.Report((YamlNode?)sweep["parameters"] ?? sweep, $"the grid has {size:N0} trials, more than limits.max_trials ({limits.MaxTrials}); remove values or raise max_trials.");
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> can name a sweep (and so a grain key, blob prefix and folder).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex MetricPrefixPattern();
}
