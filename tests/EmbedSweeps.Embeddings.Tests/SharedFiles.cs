namespace EmbedSweeps.Embeddings.Tests;

/// <summary>Locates the repository and the shared mirror (../shared) beside it.</summary>
internal static class SharedFiles
{
    public static string RepositoryRoot => EmbedSweeps.Testing.TestPaths.RepositoryRoot;
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
    public static string Models => Path.Combine(Shared, "models");
    public static string Data => Path.Combine(Shared, "data");
    public static string Reference => Path.Combine(Shared, "reference");
    public static string MiniLm => Path.Combine(Models, "all-MiniLM-L6-v2");
    public static string Arctic => Path.Combine(Models, "snowflake-arctic-embed-xs");

    public static string NewTemporaryDirectory() => EmbedSweeps.Testing.TestPaths.NewTemporaryDirectory();
}
