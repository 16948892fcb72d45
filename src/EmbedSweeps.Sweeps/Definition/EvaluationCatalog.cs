namespace EmbedSweeps.Sweeps.Definition;

/// <summary>
/// What a sweep file may ask to evaluate, and the metric names each evaluation produces (so an objective is checked
/// before anything runs). It mirrors the evaluators' catalogue (<c>EvaluationTasks</c> in EmbedSweeps.Embeddings,
/// which this project may not reference); a test in the CLI's tests asserts that the two agree.
/// </summary>
public static class EvaluationCatalog
{
    public const string DefaultProtocol = "mteb-v2";
    public static readonly string[] Protocols = ["mteb-v2", "mteb-v1"];
    public static readonly string[] BuiltIn = ["stsb", "banking77", "mnli-retrieval"];
    public static readonly string[] OnUserData = ["retrieval", "sts", "pair-classification", "triplet", "classification"];
    public static IEnumerable<string> Tasks => BuiltIn.Concat(OnUserData);
    private static readonly string[] Similarities = ["cosine", "manhattan", "euclidean", "dot"];

    /// <summary>
    /// The metric prefix: the given label, else stsb_SPLIT, banking77 (banking77_mteb_v1 under MTEB 1.x sampling, so the
    /// figure names its protocol), mnli_retrieval, or the data's file or folder name.
    /// </summary>
    public static string MetricPrefix(string task, string split, string? data, string? label, string protocol = DefaultProtocol) => label ?? task switch
    {
        "stsb" => $"stsb_{split}",
        "banking77" => protocol == DefaultProtocol ? "banking77" : "banking77_" + Sanitise(protocol),
        "mnli-retrieval" => "mnli_retrieval",
        _ => Sanitise(Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(data ?? task))),
    };

    /// <summary>Every metric name an evaluation can produce (for each similarity function a model may declare).</summary>
    public static IEnumerable<string> MetricsOf(EvaluationSpec evaluation)
    {
        var names = evaluation.Task switch
        {
            "stsb" or "sts" => from statistic in new[] { "pearson", "spearman" } from fn in Similarities select $"{statistic}_{fn}",
            "banking77" or "classification" => ["accuracy", "f1", "f1_weighted"],
            "retrieval" or "mnli-retrieval" => from fn in Similarities
                                               from metric in new[] { "accuracy_at_1", "accuracy_at_3", "accuracy_at_5", "accuracy_at_10",
                                                   "precision_at_1", "precision_at_3", "precision_at_5", "precision_at_10",
                                                   "recall_at_1", "recall_at_3", "recall_at_5", "recall_at_10", "mrr_at_10", "ndcg_at_10", "map_at_100" }
                                               select $"{fn}_{metric}",
            "triplet" => Similarities.Select(fn => $"{fn}_accuracy"),
            "pair-classification" => from fn in Similarities
                                     from metric in new[] { "accuracy", "accuracy_threshold", "f1", "f1_threshold", "precision", "recall", "ap" }
                                     select $"{fn}_{metric}",
            _ => [],
        };
        var withDims = evaluation.Dims is { Count: > 0 } dims ? from d in dims from n in names select $"dim{d}_{n}" : names;
        return withDims.Select(n => $"{evaluation.Name}_{n}");
    }

    /// <summary>
    /// The trial setting <c>evaluation</c> that tells a worker what to evaluate: the metric prefixes joined by commas
    /// when every evaluation is a plain built-in (<c>stsb_validation,banking77</c>, the form trial ids were first
    /// hashed over), else a JSON array of objects with task, split, data, name, dims and protocol.
    /// </summary>
    public static string SettingValue(IReadOnlyList<EvaluationSpec> evaluations)
    {
        if (evaluations.All(e => e.IsPlain)) return string.Join(",", evaluations.Select(e => e.Name));
        var array = new System.Text.Json.Nodes.JsonArray();
        foreach (var e in evaluations)
        {
            var entry = new System.Text.Json.Nodes.JsonObject { ["task"] = e.Task };
            if (e.Task is not ("sts" or "pair-classification" or "triplet")) entry["split"] = e.Split; // one-file tasks have none
            if (e.Data is not null) entry["data"] = e.Data;
            if (e.Label is not null) entry["name"] = e.Label;
            if (e.Dims is { Count: > 0 }) entry["dims"] = new System.Text.Json.Nodes.JsonArray(e.Dims.Select(d => (System.Text.Json.Nodes.JsonNode?)d).ToArray());
            if (e.Task is "banking77" or "classification") entry["protocol"] = e.Protocol;
            array.Add(entry);
        }
        return array.ToJsonString();
    }

    /// <summary>Metric names are lower-case letters, digits and underscores.</summary>
    public static string Sanitise(string name)
    {
        var cleaned = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        return cleaned.Length == 0 ? "data" : cleaned;
    }
}
