using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>
/// <c>config_sentence_transformers.json</c>: the model's named prompts (e.g. <c>query</c> →
/// "Represent this sentence for searching relevant passages: "), the prompt used when none is named
/// (<c>default_prompt_name</c>) and the similarity function its embeddings are meant for
/// (<c>similarity_fn_name</c>: cosine, dot, euclidean or manhattan; cosine when unset, as in the library).
/// Keys we do not interpret (<c>__version__</c>, <c>model_type</c>, …) are written back unchanged.
/// </summary>
public sealed record ModelSettings
{
    public const string FileName = "config_sentence_transformers.json";
    private static readonly string[] SimilarityFunctions = ["cosine", "dot", "euclidean", "manhattan"];

    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();
    public string? DefaultPromptName { get; init; }
    public string SimilarityFunction { get; init; } = "cosine";
    public JsonObject Raw { get; init; } = new();

    /// <summary>The prompt encode uses when the caller names none: the default prompt's text, or "".</summary>
    public string DefaultPrompt => DefaultPromptName is { } name ? Prompts[name] : "";

    /// <summary>The text of the prompt called <paramref name="name"/>; the error lists the names there are.</summary>
    public string Prompt(string name) => Prompts.TryGetValue(name, out var prompt)
        ? prompt
        : throw new EmbedSweepsException(
            $"the model has no prompt named \"{name}\" ({(Prompts.Count == 0 ? "it has no prompts" : "it has: " + string.Join(", ", Prompts.Keys))}).");

    /// <summary>
    /// MTEB's choice of prompt for a task (<c>AbsEncoder.get_prompt_name</c>): a prompt named "TASK-TYPE", then
    /// the task's name, then "TASKTYPE-TYPE", the task type, then the prompt type ("query"/"document");
    /// null when none matches, so the model's default prompt applies.
    /// </summary>
    public string? PromptForTask(string taskName, string taskType, string? promptType)
    {
        var names = new List<string>();
        if (promptType is not null) names.Add($"{taskName}-{promptType}");
        names.Add(taskName);
        if (promptType is not null) names.Add($"{taskType}-{promptType}");
        names.Add(taskType);
        if (promptType is not null) names.Add(promptType);
        return names.FirstOrDefault(Prompts.ContainsKey) is { } found ? Prompts[found] : null;
    }

    public static ModelSettings Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var raw = JsonFiles.ReadObjectIfExists(path);
        if (raw is null) return new ModelSettings();
        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (raw["prompts"] is JsonObject promptObject)
            foreach (var (name, node) in promptObject)
                prompts[name] = node is JsonValue value && value.TryGetValue<string>(out var text)
                    ? text
                    : throw new EmbedSweepsException($"{path}: prompt \"{name}\" must be a string, not {node?.ToJsonString() ?? "null"}.");
        else if (raw["prompts"] is not null)
            throw new EmbedSweepsException($"{path}: \"prompts\" must be an object of name → text.");

        var defaultName = raw["default_prompt_name"] is JsonValue d && d.TryGetValue<string>(out var n) ? n : null;
        if (defaultName is not null && !prompts.ContainsKey(defaultName))
            throw new EmbedSweepsException($"{path}: default_prompt_name \"{defaultName}\" is not one of the prompts ({string.Join(", ", prompts.Keys)}).");

        var similarity = raw["similarity_fn_name"] is JsonValue s && s.TryGetValue<string>(out var fn) ? fn : "cosine";
        if (similarity == "dot_product") similarity = "dot"; // SimilarityFunction.DOT_PRODUCT's value before 3.x
        if (!SimilarityFunctions.Contains(similarity))
            throw new EmbedSweepsException($"{path}: similarity_fn_name \"{similarity}\" is not one of {string.Join(", ", SimilarityFunctions)}.");
        return new ModelSettings { Prompts = prompts, DefaultPromptName = defaultName, SimilarityFunction = similarity, Raw = raw };
    }

    public void Write(string directory)
    {
        var raw = (JsonObject)Raw.DeepClone();
        raw["prompts"] = new JsonObject(Prompts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        raw["default_prompt_name"] = DefaultPromptName;
        raw["similarity_fn_name"] = SimilarityFunction;
        File.WriteAllText(Path.Combine(directory, FileName), raw.ToJsonString(JsonFiles.Indented));
    }
}
