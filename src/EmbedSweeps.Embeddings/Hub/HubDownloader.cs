using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmbedSweeps.Embeddings.Hub;

/// <summary>
/// Downloads a sentence-transformers model from a Hugging Face hub (<c>HF_ENDPOINT</c>, bearer
/// <c>HF_TOKEN</c>) into the shared cache layout. Each file is fetched into <c>blobs/HASH.incomplete</c>,
/// resumed with an HTTP range request after a dropped connection, verified (SHA-256 for LFS files,
/// the git blob SHA-1 otherwise) and only then moved into place and linked from the snapshot.
/// </summary>
public sealed partial class HubDownloader(EmbedSweepsSettings settings, HttpClient? http = null)
{
    private const int MaxAttempts = 5;
    private readonly HttpClient client = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>
    /// Which repository files a sentence encoder needs: configs, vocabulary and weights at the top and in each
    /// module folder (<c>0_Transformer/</c>, <c>2_Dense/</c>, …). Weights are the safetensors files of a folder
    /// when it has any, its <c>pytorch_model*.bin</c> only when it has none (so both are never downloaded).
    /// </summary>
    public static IReadOnlyList<string> SelectNeeded(IEnumerable<string> files)
    {
        var candidates = files.Where(f => ModuleFilePattern().IsMatch(f)).ToList();
        var withSafetensors = candidates.Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal)).Select(FolderOf).ToHashSet();
        return candidates.Where(file =>
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".json", StringComparison.Ordinal) || name == "vocab.txt" || name.EndsWith(".safetensors", StringComparison.Ordinal)) return true;
            return name.StartsWith("pytorch_model", StringComparison.Ordinal) && name.EndsWith(".bin", StringComparison.Ordinal) && !withSafetensors.Contains(FolderOf(file));
        }).ToList();
    }

    private static string FolderOf(string file) => file.Contains('/') ? file[..file.LastIndexOf('/')] : "";

    public async Task<string> DownloadModelAsync(string repository, string revision, CancellationToken cancellationToken = default)
    {
        var info = await GetInfoAsync(repository, revision, cancellationToken);
        var cache = new HubCache(settings.HubCache);
        var folder = cache.RepositoryFolder(repository);
        var snapshot = Path.Combine(folder, "snapshots", info.Sha);
        var blobs = Path.Combine(folder, "blobs");
        Directory.CreateDirectory(blobs);

        var needed = SelectNeeded(info.Siblings.Select(s => s.Name)).ToHashSet();
        foreach (var file in info.Siblings.Where(s => needed.Contains(s.Name)))
        {
            if (file.Name.Contains("..") || Path.IsPathRooted(file.Name))
                throw new EmbedSweepsException($"{settings.HubEndpoint}: {repository} lists a file named \"{file.Name}\", which is not a safe relative path.");
            var blob = Path.Combine(blobs, file.BlobName);
            if (!File.Exists(blob)) await DownloadBlobAsync(repository, info.Sha, file, blob, cancellationToken);
            Link(blob, Path.Combine(snapshot, file.Name));
        }
        if (!File.Exists(Path.Combine(snapshot, "config.json")))
            throw new EmbedSweepsException($"{settings.HubEndpoint}/{repository}: has no config.json; is it a BERT/sentence-transformers model?");
        if (!revision.Equals(info.Sha, StringComparison.Ordinal))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, "refs", revision))!);
            await File.WriteAllTextAsync(Path.Combine(folder, "refs", revision), info.Sha, cancellationToken);
        }
        return snapshot;
    }

    private async Task<RepositoryInfo> GetInfoAsync(string repository, string revision, CancellationToken cancellationToken)
    {
        var url = $"{settings.HubEndpoint}/api/models/{repository}/revision/{Uri.EscapeDataString(revision)}?blobs=true";
        using var request = Authorised(new HttpRequestMessage(HttpMethod.Get, url));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new EmbedSweepsException($"{repository}: not found locally, and the hub at {settings.HubEndpoint} cannot be reached ({e.Message}); set HF_ENDPOINT, or add a mirror folder to embedsweeps.json.", e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new EmbedSweepsException($"{repository}: the hub at {settings.HubEndpoint} refused access ({(int)response.StatusCode}); set HF_TOKEN to a token that can read it.");
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new EmbedSweepsException($"{repository}: no such model (or revision {revision}) on {settings.HubEndpoint}.");
            if (!response.IsSuccessStatusCode)
                throw new EmbedSweepsException($"{repository}: the hub at {settings.HubEndpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            var json = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                return RepositoryInfo.Parse(json);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new EmbedSweepsException($"{repository}: the hub at {settings.HubEndpoint} sent model info this program does not understand ({e.Message}).", e);
            }
        }
    }

    private async Task DownloadBlobAsync(string repository, string commit, RepositoryFile file, string blob, CancellationToken cancellationToken)
    {
        var partial = blob + ".incomplete";
        var url = $"{settings.HubEndpoint}/{repository}/resolve/{commit}/{string.Join('/', file.Name.Split('/').Select(Uri.EscapeDataString))}";
        Exception? last = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                await FetchAsync(url, partial, cancellationToken);
                if (new FileInfo(partial).Length >= file.Size) break;
                last = new IOException($"the connection closed after {new FileInfo(partial).Length} of {file.Size} bytes");
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                last = e; // resume from what arrived
            }
            if (attempt == MaxAttempts)
                throw new EmbedSweepsException($"{url}: download failed after {MaxAttempts} attempts ({last?.Message}).", last);
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
        }

        var actual = await (file.Sha256 is not null ? Sha256Async(partial, cancellationToken) : GitBlobSha1Async(partial, cancellationToken));
        var expected = file.Sha256 ?? file.BlobId;
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new EmbedSweepsException($"{url}: checksum mismatch (expected {expected}, got {actual}); the partial download was discarded, run again to retry.");
        }
        File.Move(partial, blob, overwrite: true);
    }

    private async Task FetchAsync(string url, string partial, CancellationToken cancellationToken)
    {
        var existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = Authorised(new HttpRequestMessage(HttpMethod.Get, url));
        if (existing > 0) request.Headers.Range = new RangeHeaderValue(existing, null);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return; // already complete
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new EmbedSweepsException($"{url}: access refused ({(int)response.StatusCode}); set HF_TOKEN to a token that can read this model.");
        if (!response.IsSuccessStatusCode)
            throw new EmbedSweepsException($"{url}: the hub answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        var append = response.StatusCode == HttpStatusCode.PartialContent;
        await using var output = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write);
        await using var input = await response.Content.ReadAsStreamAsync(cancellationToken);
        await input.CopyToAsync(output, 1 << 20, cancellationToken);
    }

    private HttpRequestMessage Authorised(HttpRequestMessage request)
    {
        if (settings.HubToken is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.UserAgent.ParseAdd("embedsweeps/0.1");
        return request;
    }

    // Relative links as huggingface_hub makes them, so the cache can move; a copy where links are not allowed.
    private static void Link(string blob, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target)) File.Delete(target);
        try
        {
            File.CreateSymbolicLink(target, Path.GetRelativePath(Path.GetDirectoryName(target)!, blob));
        }
        catch (IOException)
        {
            File.Copy(blob, target);
        }
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static async Task<string> GitBlobSha1Async(string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        hash.AppendData(Encoding.ASCII.GetBytes($"blob {new FileInfo(path).Length}\0"));
        hash.AppendData(await File.ReadAllBytesAsync(path, cancellationToken));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // A top-level file, or one directly inside a sentence-transformers module folder such as 2_Dense.
    [GeneratedRegex(@"^([0-9]+_[A-Za-z]+/)?[^/]+$")]
    private static partial Regex ModuleFilePattern();

    private sealed record RepositoryFile(string Name, long Size, string BlobId, string? Sha256)
    {
        public string BlobName => Sha256 ?? BlobId;
    }

    private sealed record RepositoryInfo(string Sha, IReadOnlyList<RepositoryFile> Siblings)
    {
        public static RepositoryInfo Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var siblings = root.GetProperty("siblings").EnumerateArray().Select(s =>
            {
                var lfs = s.TryGetProperty("lfs", out var l) && l.ValueKind == JsonValueKind.Object ? l : (JsonElement?)null;
                var sha256 = lfs?.GetProperty("sha256").GetString();
                var size = lfs?.GetProperty("size").GetInt64() ?? s.GetProperty("size").GetInt64();
                return new RepositoryFile(s.GetProperty("rfilename").GetString()!, size, s.GetProperty("blobId").GetString()!, sha256);
            }).ToList();
            var sha = root.GetProperty("sha").GetString()!;
            if (!Regex.IsMatch(sha, "^[0-9a-f]{40}$")) throw new InvalidOperationException($"commit sha \"{sha}\" is not 40 hex digits");
            return new RepositoryInfo(sha, siblings);
        }
    }
}
