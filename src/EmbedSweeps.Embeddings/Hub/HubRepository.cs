using System.Text.RegularExpressions;

namespace EmbedSweeps.Embeddings.Hub;

/// <summary>Hub repository ids (<c>org/name</c>, optionally <c>@revision</c>), validated so they cannot escape the cache.</summary>
public static partial class HubRepository
{
    public static (string Repository, string Revision) Parse(string name)
    {
        var at = name.LastIndexOf('@');
        var repository = at > 0 ? name[..at] : name;
        var revision = at > 0 ? name[(at + 1)..] : "main";
        if (!RepositoryPattern().IsMatch(repository) || repository.Contains(".."))
            throw new EmbedSweepsException($"{name}: not a model directory, and not a hub id of the form org/name (letters, digits, '-', '_', '.').");
        if (!RevisionPattern().IsMatch(revision) || revision.Contains(".."))
            throw new EmbedSweepsException($"{name}: revision \"{revision}\" may only contain letters, digits, '-', '_', '.' and '/'.");
        return (repository, revision);
    }

    /// <summary>The cache folder name transformers uses: <c>models--org--name</c>.</summary>
    public static string CacheFolder(string repository) => "models--" + repository.Replace("/", "--");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex RevisionPattern();
}
