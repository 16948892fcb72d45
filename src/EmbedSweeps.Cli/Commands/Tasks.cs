using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Embeddings.Hub;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The evaluation tasks the CLI knows, by name.</summary>
internal static class Tasks
{
    public static readonly string[] Names = ["stsb", "banking77"];

    /// <summary>
    /// An evaluator by the name training and sweeps use: its metric prefix (<c>stsb_validation</c>,
    /// <c>stsb_test</c>, <c>banking77</c>) or the train command's spelling (<c>stsb</c>, <c>stsb-test</c>).
    /// </summary>
    public static ISentenceEvaluator ByName(string name) => name switch
    {
        "stsb" or "stsb_validation" => Create("stsb", "validation", Runtime.Datasets, 64),
        "stsb-test" or "stsb_test" => Create("stsb", "test", Runtime.Datasets, 64),
        "banking77" => Create("banking77", null, Runtime.Datasets, 64),
        _ => throw new EmbedSweepsException($"evaluator {name}: unknown (valid: stsb, stsb-test, banking77, none)."),
    };

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
