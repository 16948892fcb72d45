using EmbedSweeps.Embeddings.Models;

namespace EmbedSweeps.Testing;

/// <summary>Sweeps small enough for tests: a tiny random BERT trained for a few steps on STS-B.</summary>
public static class TinySweeps
{
    /// <summary>A randomly initialised 2-layer, 32-wide BERT with the MiniLM vocabulary.</summary>
    public static string TinyModel()
    {
        var directory = TestPaths.NewTemporaryDirectory();
        TinyBert.Create(directory, Path.Combine(TestPaths.Shared, "models", "all-MiniLM-L6-v2"));
        return directory;
    }

    /// <summary>
    /// A grid over the tiny model on STS-B: cosine/cosent × the learning rates (2×2 by default), one trial at
    /// a time unless <paramref name="concurrent"/> says otherwise; <paramref name="training"/>, <paramref name="limits"/>, <paramref name="resources"/> and <paramref name="report"/> add settings.
    /// </summary>
    public static string Write(string folder, string name, int maxSamples, int maxSteps, int concurrent = 1, string rates = "1.0e-4, 1.0e-3",
        string training = "", string limits = "trial_timeout: 5m", string? baseModel = null, string resources = "", string report = "")
    {
        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            objective: {"{"} metric: stsb_validation_spearman_cosine {"}"}
            parameters:
              base_model: {baseModel ?? TinyModel()}
              loss: [cosine, cosent]
              learning_rate: [{rates}]
              batch_size: 8
            data: {"{"} train: stsb, max_samples: {maxSamples} {"}"}
            training: {"{"} max_steps: {maxSteps}{(training.Length > 0 ? ", " + training : "")} {"}"}
            limits: {"{"} max_trials: 100, max_concurrent_trials: {concurrent}, {limits} {"}"}
            {(resources.Length > 0 ? $"resources: {{ {resources} }}" : "")}
            {(report.Length > 0 ? $"report: {{ {report} }}" : "")}
            """);
        return path;
    }
}
