namespace EmbedSweeps.Embeddings;

/// <summary>
/// A problem the user can fix (a missing file, a bad value, an unknown task). The CLI prints
/// its message as one sentence and exits with code 2; it never shows a stack trace for it.
/// </summary>
public sealed class EmbedSweepsException(string message, Exception? inner = null) : Exception(message, inner);
