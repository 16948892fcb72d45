using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Embeddings.Training;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// What a trial worker is asked to run (<c>trial.json</c>): the trial's resolved settings (as
/// <c>sweep expand --json</c> prints them), the objective metric, where to write, and which attempt
/// this is (so a scheduler can tell a stale worker's output from the current one's).
/// </summary>
internal sealed record TrialSpec(
    string TrialId, int Attempt, string Objective, string Output, string Device, string? Resume,
    IReadOnlyDictionary<string, JsonElement> Settings, bool ExitWithParent = false)
{
    /// <summary>Reads the worker contract's spec (<see cref="WorkerSpec"/>); every way it can be wrong is one sentence naming the file.</summary>
    public static TrialSpec Load(string path)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: no such trial spec.");
        WorkerSpec spec;
        try
        {
            spec = WorkerJson.ReadSpec(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new EmbedSweepsException($"{path}: not a valid trial spec ({e.Message}).", e);
        }
        if (spec.Version > WorkerSpec.CurrentVersion)
            throw new EmbedSweepsException($"{path}: a trial spec of version {spec.Version}, but this worker reads version {WorkerSpec.CurrentVersion}; the silo runs a newer EmbedSweeps than this worker.");
        return new TrialSpec(spec.TrialId, spec.Attempt, spec.Objective, spec.Output, spec.Device, spec.Resume, spec.Settings, spec.ExitWithParent);
    }

    /// <summary>
    /// The evaluations the trial ends with: the setting is either metric prefixes joined by commas
    /// (<c>stsb_validation,banking77</c>) or a JSON array of requests (<see cref="EvaluationCatalog.SettingValue"/>).
    /// </summary>
    public IReadOnlyList<EvaluationRequest> Evaluations
    {
        get
        {
            var text = Text("evaluation") ?? (string)TrialSettings.ByName["evaluation"].Default!;
            if (!text.TrimStart().StartsWith('['))
                return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Tasks.RequestByName).ToList();
            try
            {
                return JsonNode.Parse(text)!.AsArray().Select(node => new EvaluationRequest(
                    node!["task"]!.GetValue<string>(), node["data"]?.GetValue<string>(), node["split"]?.GetValue<string>(), node["name"]?.GetValue<string>(),
                    node["dims"]?.AsArray().Select(d => d!.GetValue<int>()).ToList(),
                    MtebProtocols.Parse(node["protocol"]?.GetValue<string>() ?? MtebProtocols.Default))).ToList();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
            {
                throw new EmbedSweepsException($"trial {TrialId}: the evaluation setting is not a list of evaluations ({e.Message}).");
            }
        }
    }

    /// <summary>A baseline only evaluates the base model, untrained.</summary>
    public bool IsBaseline => Settings.TryGetValue("baseline", out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>
    /// The training run these settings describe: each setting through its entry of <see cref="TrainingBinding"/>, the rest
    /// at <see cref="TrainingConfig"/>'s defaults. Throws EmbedSweepsException for a setting the table does not know, a
    /// value of the wrong type, or a missing base_model or loss.
    /// </summary>
    public TrainingConfig ToTrainingConfig()
    {
        var unknown = Settings.Keys.Where(k => !TrialSettings.ByName.ContainsKey(k)).ToList();
        if (unknown.Count > 0) throw new EmbedSweepsException($"trial {TrialId}: unknown setting(s) {string.Join(", ", unknown)}.");
        if (!Settings.ContainsKey("base_model")) throw new EmbedSweepsException($"trial {TrialId}: base_model is required.");
        if (!IsBaseline && !Settings.ContainsKey("loss")) throw new EmbedSweepsException($"trial {TrialId}: loss is required.");
        var config = new TrainingConfig { Loss = IsBaseline ? "none" : "", LoggingSteps = 10 };
        foreach (var (name, value) in Settings)
            if (TrainingBinding.Setters.TryGetValue(name, out var set)) config = set(config, new SettingValue(TrialId, name, value));
        return config;
    }

    private string? Text(string key) => Settings.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
