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

    private static DataSpec ParseData(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "data");
        if (mapping is not null) reader.OnlyKeys(mapping, "data", "train", "max_samples", "hard_negatives");
        return new DataSpec(
            (string)SweepWide(reader, mapping, "data.train")!,
            (int?)(long?)SweepWide(reader, mapping, "data.max_samples"),
            (bool)SweepWide(reader, mapping, "data.hard_negatives")!);
    }

    private static TrainingSpec ParseTraining(NodeReader reader, YamlNode? node)
    {
        var mapping = reader.Mapping(node, "training");
        if (mapping is not null) reader.OnlyKeys(mapping, "training", "epochs", "max_steps", "eval_steps", "checkpoint_steps", "precision");
        return new TrainingSpec(
            (int)(long)SweepWide(reader, mapping, "training.epochs")!,
            (int?)(long?)SweepWide(reader, mapping, "training.max_steps"),
            (int?)(long?)SweepWide(reader, mapping, "training.eval_steps"),
            (int?)(long?)SweepWide(reader, mapping, "training.checkpoint_steps"),
            (string)SweepWide(reader, mapping, "training.precision")!);
    }

    /// <summary>
    /// A sweep-wide key ("training.epochs") read by the row of TrialSettings that says it is set there: its type, range and
    /// default (when the key, or its whole section, is absent — or wrong, as the error is reported already).
    /// </summary>
    private static object? SweepWide(NodeReader reader, YamlMapping? section, string key)
    {
        var setting = TrialSettings.All.Single(s => s.SetIn.Split(", ").Contains(key));
        return section?[key[(key.IndexOf('.') + 1)..]] is { } node ? Value(reader, setting, node, key) ?? setting.Default : setting.Default;
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
