namespace EmbedSweeps.Embeddings.Tests;

/// <summary>Locates the repository and the shared mirror (../shared) beside it.</summary>
internal static class SharedFiles
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
    public static string Models => Path.Combine(Shared, "models");
    public static string Data => Path.Combine(Shared, "data");
    public static string Reference => Path.Combine(Shared, "reference");
    public static string MiniLm => Path.Combine(Models, "all-MiniLM-L6-v2");
    public static string Arctic => Path.Combine(Models, "snowflake-arctic-embed-xs");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "EmbedSweeps.sln"))) return directory.FullName;
        throw new InvalidOperationException("EmbedSweeps.sln not found above the test binaries.");
    }

    public static string NewTemporaryDirectory() => EmbedSweeps.Testing.TestPaths.NewTemporaryDirectory();
}
