namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// One evaluation as a user asks for it (<c>eval</c> options, a sweep's <c>evaluation:</c> entry):
/// the task, its data (a file or folder for the user's own tasks; null for the built-in stsb and banking77),
/// the split, the name that prefixes its metrics, Matryoshka dimensions and the MTEB protocol.
/// </summary>
public sealed record EvaluationRequest(
    string Task, string? Data = null, string? Split = null, string? Name = null,
    IReadOnlyList<int>? Dims = null, MtebProtocol Protocol = MtebProtocol.V2);
