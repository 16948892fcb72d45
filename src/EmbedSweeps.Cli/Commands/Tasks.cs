using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The evaluations training and trial workers name by their metric prefix (the catalogue is <see cref="EvaluationTasks"/>).</summary>
internal static class Tasks
{
    /// <summary>
    /// An evaluator by the name training and sweeps use: its metric prefix (<c>stsb_validation</c>,
    /// <c>stsb_test</c>, <c>banking77</c>) or the train command's spelling (<c>stsb</c>, <c>stsb-test</c>).
    /// </summary>
    public static ISentenceEvaluator ByName(string name) => name switch
    {
        "stsb" or "stsb_validation" => EvaluationTasks.Create(new EvaluationRequest("stsb", Split: "validation"), Runtime.Datasets),
        "stsb-test" or "stsb_test" => EvaluationTasks.Create(new EvaluationRequest("stsb", Split: "test"), Runtime.Datasets),
        "banking77" => EvaluationTasks.Create(new EvaluationRequest("banking77"), Runtime.Datasets),
        _ => throw new EmbedSweepsException($"evaluator {name}: unknown (valid: stsb, stsb-test, banking77, none)."),
    };
}
