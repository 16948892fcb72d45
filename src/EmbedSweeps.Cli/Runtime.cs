using EmbedSweeps.Embeddings.Hub;

namespace EmbedSweeps.Cli;

/// <summary>Where models and data sets are looked for in this run, read once from embedsweeps.json and the environment.</summary>
internal static class Runtime
{
    private static readonly Lazy<EmbedSweepsSettings> LazySettings = new(EmbedSweepsSettings.Load);

    public static EmbedSweepsSettings Settings => LazySettings.Value;
    public static ModelResolver Models => new(Settings);
    public static DatasetResolver Datasets => new(Settings);

    /// <summary>
    /// Where trial files and fetched artifacts go unless <c>Home</c> (env <c>EMBEDSWEEPS_HOME</c>) says otherwise: .embedsweeps beside
    /// the settings file, or in the current folder.
    /// </summary>
    public static string DefaultStateDirectory =>
        Path.Combine(Settings.Source is { } source ? Path.GetDirectoryName(source)! : Directory.GetCurrentDirectory(), ".embedsweeps");
}
