namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Which MTEB release's sampling a classification task follows. Both shuffle the training indices with
/// numpy's <c>RandomState(seed)</c> and keep the first <c>samples_per_label</c> of each label, ten times:
/// MTEB 1.x draws the ten shuffles from one generator; MTEB 2.x (<c>AbsTaskClassification._undersample_data</c>)
/// creates a fresh <c>RandomState(seed)</c> for every experiment and reshuffles the previous order with it.
/// </summary>
public enum MtebProtocol
{
    V2,
    V1,
}

public static class MtebProtocols
{
    public const string Default = "mteb-v2";
    public static readonly string[] Names = ["mteb-v2", "mteb-v1"];

    public static string Name(MtebProtocol protocol) => protocol == MtebProtocol.V1 ? "mteb-v1" : "mteb-v2";

    /// <summary>Parses <c>mteb-v2</c>/<c>mteb-v1</c>; the error lists both.</summary>
    public static MtebProtocol Parse(string name) => name.ToLowerInvariant() switch
    {
        "mteb-v2" => MtebProtocol.V2,
        "mteb-v1" => MtebProtocol.V1,
        _ => throw new EmbedSweepsException($"protocol \"{name}\": unknown (valid: {string.Join(", ", Names)})."),
    };
}
