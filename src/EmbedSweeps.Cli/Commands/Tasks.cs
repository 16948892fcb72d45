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
    public static ISentenceEvaluator ByName(string name) => Create(RequestByName(name));

    /// <summary>The request a name stands for (see <see cref="ByName"/>); <c>TASK:PATH</c> names a task on the user's data.</summary>
    public static EvaluationRequest RequestByName(string name) => name.Split(':', 2) switch
    {
        [var task, var data] when EvaluationTasks.OnUserData.Contains(task.ToLowerInvariant()) => new EvaluationRequest(task.ToLowerInvariant(), Path.GetFullPath(data)),
        _ => BuiltInByName(name.ToLowerInvariant()),
    };

    private static EvaluationRequest BuiltInByName(string name) => name switch
    {
        "stsb" or "stsb_validation" => new EvaluationRequest("stsb", Split: "validation"),
        "stsb-test" or "stsb_test" => new EvaluationRequest("stsb", Split: "test"),
        "banking77" => new EvaluationRequest("banking77"),
        "mnli-retrieval" or "mnli_retrieval" => new EvaluationRequest("mnli-retrieval"),
        _ => throw new EmbedSweepsException(
            $"evaluator {name}: unknown (valid: stsb, stsb-test, banking77, mnli-retrieval, none, or TASK:PATH with TASK one of {string.Join(", ", EvaluationTasks.OnUserData)})."),
    };

    public static ISentenceEvaluator Create(EvaluationRequest request) => EvaluationTasks.Create(request, Runtime.Datasets);
}
