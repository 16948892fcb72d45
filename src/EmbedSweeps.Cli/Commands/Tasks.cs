using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Embeddings.Hub;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The evaluation tasks the CLI knows, by name.</summary>
internal static class Tasks
{
    public static readonly string[] Names = ["stsb", "banking77"];

    public static ISentenceEvaluator Create(string task, string? split, DatasetResolver datasets, int batchSize)
    {
        switch (task.ToLowerInvariant())
        {
            case "stsb":
            {
                var chosen = split ?? "validation";
                var pairs = EvaluationData.StsbPairs(datasets.Resolve("stsb"), chosen);
                return new EmbeddingSimilarityEvaluator($"stsb_{chosen}", pairs, batchSize);
            }
            case "banking77":
            {
                if (split is not null && split != "test")
                    throw new EmbedSweepsException($"--split {split}: Banking77Classification is scored on the test split only (MTEB's protocol).");
                var folder = datasets.Resolve("banking77");
                return new FewShotClassificationEvaluator("banking77",
                    EvaluationData.LabeledTexts(folder, "train"), EvaluationData.LabeledTexts(folder, "test"), batchSize: batchSize);
            }
            default:
                throw new EmbedSweepsException($"--task {task}: unknown task (valid: {string.Join(", ", Names)}).");
        }
    }
}
