namespace EmbedSweeps.Embeddings.Hub;

/// <summary>
/// The Hugging Face hub cache layout (shared with Python's huggingface_hub):
/// <c>models--org--name/{blobs/HASH, snapshots/COMMIT/FILE → ../../blobs/HASH, refs/REVISION}</c>.
/// </summary>
public sealed class HubCache(string root)
{
    public string Root { get; } = root;

    public string RepositoryFolder(string repository) => Path.Combine(Root, HubRepository.CacheFolder(repository));

    /// <summary>The snapshot folder of <paramref name="revision"/> if it is cached with a config.json, else null.</summary>
    public string? Snapshot(string repository, string revision)
    {
        var folder = RepositoryFolder(repository);
        var reference = Path.Combine(folder, "refs", revision);
        var commit = File.Exists(reference) ? File.ReadAllText(reference).Trim() : revision;
        var snapshot = Path.Combine(folder, "snapshots", commit);
        return File.Exists(Path.Combine(snapshot, "config.json")) ? snapshot : null;
    }
}
