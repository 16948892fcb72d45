namespace EmbedSweeps.Embeddings.Models;

/// <summary>The sentence-transformers modules EmbedSweeps runs.</summary>
public enum ModuleKind
{
    Transformer,
    Pooling,
    Dense,
    Normalize,
}

/// <summary>
/// Recognises a module's <c>type</c> in modules.json under every spelling sentence-transformers has released:
/// <c>sentence_transformers.models.Pooling</c> (2.x–5.x), <c>sentence_transformers.models.Pooling.Pooling</c>,
/// <c>sentence_transformers.sentence_transformer.modules.pooling.Pooling</c> and
/// <c>sentence_transformers.base.modules.dense.Dense</c> (6.x), and the 0.x <c>models.BERT</c> transformer.
/// The class name (the last dotted part) decides; anything outside the library's namespace is refused, since it
/// would be the model's own Python code.
/// </summary>
public static class ModuleTypes
{
    private const string LibraryNamespace = "sentence_transformers.";

    /// <summary>The type string this project writes: the classic one every released version loads.</summary>
    public static string ClassicName(ModuleKind kind) => $"sentence_transformers.models.{kind}";

    public static ModuleKind? Recognise(string type)
    {
        if (!type.StartsWith(LibraryNamespace, StringComparison.Ordinal)) return null;
        return type[(type.LastIndexOf('.') + 1)..] switch
        {
            "Transformer" or "BERT" => ModuleKind.Transformer,
            "Pooling" => ModuleKind.Pooling,
            "Dense" => ModuleKind.Dense,
            "Normalize" => ModuleKind.Normalize,
            _ => null,
        };
    }
}
