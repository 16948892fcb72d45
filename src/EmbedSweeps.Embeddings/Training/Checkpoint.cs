using System.Text.Json;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// One folder that holds everything needed to resume: fp32 master weights (model and loss),
/// optimizer moments, the torch RNG state, the step, the best metric so far and the log history.
/// Written to <c>step-N.partial</c> and renamed, so a crash never leaves a half checkpoint.
/// </summary>
public static class Checkpoint
{
    public const string Folder = "checkpoints";
    private const string Weights = "weights.safetensors";
    private const string Optimizer = "optimizer.safetensors";
    private const string StateFile = "state.json";

    public sealed record State(int Step, string Fingerprint, double? BestMetric, int? BestStep, JsonArray History);

    public static string Save(string outputDirectory, State state, IEnumerable<KeyValuePair<string, Tensor>> weights,
        IEnumerable<KeyValuePair<string, Tensor>> optimizer, TrainingConfig config)
    {
        var root = Path.Combine(outputDirectory, Folder);
        var final = Path.Combine(root, $"step-{state.Step}");
        var partial = final + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);

        Safetensors.Save(Path.Combine(partial, Weights), weights);
        Safetensors.Save(Path.Combine(partial, Optimizer), optimizer);
        using (var rng = random.get_rng_state())
        {
            var document = new JsonObject
            {
                ["step"] = state.Step,
                ["fingerprint"] = state.Fingerprint,
                ["best_metric"] = state.BestMetric,
                ["best_step"] = state.BestStep,
                ["rng_state"] = Convert.ToBase64String(rng.bytes),
                ["config"] = JsonSerializer.SerializeToNode(config, TrainingConfig.Json),
                ["log_history"] = state.History.DeepClone(),
            };
            File.WriteAllText(Path.Combine(partial, StateFile), document.ToJsonString(TrainingConfig.Json));
        }
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(partial, final);

        // Keep only the newest checkpoint: it holds the whole state.
        foreach (var old in Directory.EnumerateDirectories(root, "step-*").Where(d => d != final && !d.EndsWith(".partial", StringComparison.Ordinal)))
            Directory.Delete(old, recursive: true);
        return final;
    }

    /// <summary>The newest complete checkpoint under a run's output directory, or the folder itself if it is one.</summary>
    public static string Locate(string path)
    {
        if (File.Exists(Path.Combine(path, StateFile))) return path;
        var root = Path.Combine(path, Folder);
        var newest = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root, "step-*").Where(d => !d.EndsWith(".partial", StringComparison.Ordinal) && File.Exists(Path.Combine(d, StateFile)))
                .OrderByDescending(d => int.Parse(Path.GetFileName(d)["step-".Length..])).FirstOrDefault()
            : null;
        return newest ?? throw new EmbedSweepsException($"--resume {path}: holds no checkpoint (expected {Folder}/step-N/{StateFile}; was the run started with --checkpoint-steps?).");
    }

    public static (State State, Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Optimizer) Load(string checkpoint)
    {
        var statePath = Path.Combine(checkpoint, StateFile);
        var document = JsonFiles.ReadObject(statePath);
        var state = new State(
            document["step"]!.GetValue<int>(),
            document["fingerprint"]!.GetValue<string>(),
            document["best_metric"]?.GetValue<double>(),
            document["best_step"]?.GetValue<int>(),
            (JsonArray)(document["log_history"] ?? new JsonArray()).DeepClone());
        var rngBytes = Convert.FromBase64String(document["rng_state"]!.GetValue<string>());
        using (var rng = tensor(rngBytes)) random.set_rng_state(rng);
        return (state, Safetensors.Load(Path.Combine(checkpoint, Weights)), Safetensors.Load(Path.Combine(checkpoint, Optimizer)));
    }

    /// <summary>The config a checkpoint was written with (to explain a fingerprint mismatch).</summary>
    public static string ConfigOf(string checkpoint) =>
        JsonFiles.ReadObject(Path.Combine(checkpoint, StateFile))["config"]?.ToJsonString() ?? "{}";
}
