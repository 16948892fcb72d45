using EmbedSweeps.Embeddings.Hub;

namespace EmbedSweeps.Cli;

/// <summary>The settings and resolvers of this run, built once from embedsweeps.json and the environment.</summary>
internal static class Runtime
{
    private static readonly Lazy<EmbedSweepsSettings> LazySettings = new(EmbedSweepsSettings.Load);

    public static EmbedSweepsSettings Settings => LazySettings.Value;
    public static ModelResolver Models => new(Settings);
    public static DatasetResolver Datasets => new(Settings);

    /// <summary>
    /// This deployment's working files (trials, fetched artifacts): EMBEDSWEEPS_HOME when set (containers
    /// point it at a volume), else .embedsweeps beside the settings file, or in the current folder.
    /// </summary>
    public static string StateDirectory =>
        Environment.GetEnvironmentVariable("EMBEDSWEEPS_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Settings.Source is { } source ? Path.GetDirectoryName(source)! : Directory.GetCurrentDirectory(), ".embedsweeps");
}
