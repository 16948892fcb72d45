namespace EmbedSweeps.Embeddings.Hub;

/// <summary>
/// Turns a data set name into a local folder of TSV files: a path as given, else a configured data
/// mirror folder. Hub names map to the mirror's folder names (<c>sentence-transformers/stsb</c> → <c>stsb</c>).
/// </summary>
public sealed class DatasetResolver(EmbedSweepsSettings settings)
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sentence-transformers/stsb"] = "stsb",
        ["mteb/stsbenchmark-sts"] = "stsb",
        ["stsbenchmark"] = "stsb",
        ["mteb/banking77"] = "banking77",
        ["PolyAI/banking77"] = "banking77",
        ["banking77classification"] = "banking77",
        ["mnli"] = "mnli",
        ["nli"] = "nli",
    };

    public string Resolve(string name)
    {
        if (Directory.Exists(name)) return Path.GetFullPath(name);
        var folder = Aliases.GetValueOrDefault(name, name.Split('/')[^1]);
        foreach (var mirror in settings.DataMirrors)
        {
            var candidate = Path.Combine(mirror, folder);
            if (Directory.Exists(candidate)) return candidate;
        }
        var looked = settings.DataMirrors.Count == 0 ? "no data mirror is configured" : "looked in " + string.Join(", ", settings.DataMirrors);
        throw new EmbedSweepsException($"{name}: data set not found ({looked}); pass a folder of TSV files, or add a mirror to embedsweeps.json or EMBEDSWEEPS_DATA_MIRRORS.");
    }
}
