using System.Text.RegularExpressions;
using EmbedSweeps.Sweeps.Yaml;

namespace EmbedSweeps.Sweeps.Definition;

// The evaluation section, the objective and report.pareto: what metrics a sweep produces and judges by.
public static partial class SweepParser
{
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
}
