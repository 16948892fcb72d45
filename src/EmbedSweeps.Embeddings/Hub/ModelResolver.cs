namespace EmbedSweeps.Embeddings.Hub;

/// <summary>
/// Turns a model name into a local directory: a path as given → a configured mirror folder
/// (<c>org/name</c> or <c>name</c>) → the Hugging Face cache → a download from the hub into that cache.
/// </summary>
public sealed class ModelResolver(EmbedSweepsSettings settings, HttpClient? http = null)
{
    public async Task<string> ResolveAsync(string name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new EmbedSweepsException($"{SettingNames.Of("base_model")}: a model name or directory is required.");
        if (Directory.Exists(name)) return Path.GetFullPath(name);
        if (LooksLikePath(name)) throw new EmbedSweepsException($"{name}: no such model directory.");

        var (repository, revision) = HubRepository.Parse(name);
        foreach (var mirror in settings.ModelMirrors)
            foreach (var candidate in new[] { Path.Combine(mirror, repository), Path.Combine(mirror, repository.Split('/')[^1]) })
                if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;

        var cache = new HubCache(settings.HubCache);
        if (cache.Snapshot(repository, revision) is { } cached) return cached;
        if (settings.Offline)
            throw new EmbedSweepsException(
                $"{name}: not in the mirrors ({Describe(settings.ModelMirrors)}) or the Hugging Face cache ({settings.HubCache}), and HF_HUB_OFFLINE is set.");

        var downloader = new HubDownloader(settings, http);
        return await downloader.DownloadModelAsync(repository, revision, cancellationToken);
    }

    public string Resolve(string name) => ResolveAsync(name).GetAwaiter().GetResult();

    private static bool LooksLikePath(string name) =>
        name.StartsWith('.') || name.StartsWith('/') || name.StartsWith('~') || name.Count(c => c == '/') > 1 || name.Contains('\\');

    private static string Describe(IReadOnlyList<string> mirrors) => mirrors.Count == 0 ? "none configured" : string.Join(", ", mirrors);
}
