using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;

namespace EmbedSweeps.Embeddings.Hub;

/// <summary>
/// Where models and data sets are looked for. Read from <c>embedsweeps.json</c> (the repository's copy
/// names the local mirror <c>../shared</c>), found via <c>EMBEDSWEEPS_SETTINGS</c>, else in the current
/// directory or a parent, else beside the program. Environment variables override the file:
/// <c>EMBEDSWEEPS_MODEL_MIRRORS</c> / <c>EMBEDSWEEPS_DATA_MIRRORS</c> (':'-separated), <c>HF_ENDPOINT</c>,
/// <c>HF_TOKEN</c>, <c>HF_HOME</c> / <c>HF_HUB_CACHE</c>, <c>HF_HUB_OFFLINE</c>.
/// </summary>
public sealed record EmbedSweepsSettings
{
    public const string FileName = "embedsweeps.json";

    public IReadOnlyList<string> ModelMirrors { get; init; } = [];
    public IReadOnlyList<string> DataMirrors { get; init; } = [];
    public string HubEndpoint { get; init; } = "https://huggingface.co";
    public string? HubToken { get; init; }
    public string HubCache { get; init; } = DefaultHubCache();
    public bool Offline { get; init; }

    /// <summary>The file the settings came from, if any.</summary>
    public string? Source { get; init; }

    public static EmbedSweepsSettings Load() => Load(Environment.GetEnvironmentVariable);

    public static EmbedSweepsSettings Load(Func<string, string?> environment)
    {
        var path = environment("EMBEDSWEEPS_SETTINGS") ?? Find(Directory.GetCurrentDirectory()) ?? Find(AppContext.BaseDirectory);
        var settings = path is null ? new EmbedSweepsSettings() : Read(path);

        static string[] Split(string value) => value.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (environment("EMBEDSWEEPS_MODEL_MIRRORS") is { } models) settings = settings with { ModelMirrors = Split(models) };
        if (environment("EMBEDSWEEPS_DATA_MIRRORS") is { } data) settings = settings with { DataMirrors = Split(data) };
        if (environment("HF_ENDPOINT") is { Length: > 0 } endpoint) settings = settings with { HubEndpoint = endpoint.TrimEnd('/') };
        if (environment("HF_TOKEN") is { Length: > 0 } token) settings = settings with { HubToken = token };
        if (environment("HF_HUB_CACHE") is { Length: > 0 } cache) settings = settings with { HubCache = cache };
        else if (environment("HF_HOME") is { Length: > 0 } home) settings = settings with { HubCache = Path.Combine(home, "hub") };
        if (environment("HF_HUB_OFFLINE") is "1" or "true" or "TRUE" or "yes") settings = settings with { Offline = true };
        return settings;
    }

    /// <summary>Reads a settings file; relative mirror paths are relative to the file's folder.</summary>
    public static EmbedSweepsSettings Read(string path)
    {
        if (!File.Exists(path)) throw new EmbedSweepsException($"{path}: settings file not found.");
        var root = JsonFiles.ReadObject(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        IReadOnlyList<string> Paths(string key) =>
            (root["mirrors"]?[key] as JsonArray)?.Select(n => Path.GetFullPath(Path.Combine(folder, n!.GetValue<string>()))).ToList()
            ?? (IReadOnlyList<string>)[];
        var settings = new EmbedSweepsSettings { ModelMirrors = Paths("models"), DataMirrors = Paths("data"), Source = path };
        if (root["hub"]?["endpoint"]?.GetValue<string>() is { Length: > 0 } endpoint) settings = settings with { HubEndpoint = endpoint.TrimEnd('/') };
        return settings;
    }

    private static string? Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, FileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string DefaultHubCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub");
}
