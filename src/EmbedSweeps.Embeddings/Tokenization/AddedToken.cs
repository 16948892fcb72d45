namespace EmbedSweeps.Embeddings.Tokenization;

/// <summary>
/// A token matched in the raw text before any normalisation, as Hugging Face's <c>AddedToken</c>:
/// special tokens ([CLS], [SEP], [UNK], …) and tokens a user added. <see cref="Normalized"/> tokens are matched
/// against the lower-cased text when the tokenizer lower-cases; the others exactly, case-sensitively.
/// </summary>
public sealed record AddedToken(string Content, int Id, bool Special = true, bool Normalized = false,
    bool SingleWord = false, bool LeftStrip = false, bool RightStrip = false);
