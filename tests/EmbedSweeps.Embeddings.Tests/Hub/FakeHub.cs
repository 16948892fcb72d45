using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EmbedSweeps.Embeddings.Tests.Hub;

/// <summary>
/// A Hugging Face hub on 127.0.0.1 serving one folder as a model repository, in the hub's URL layout:
/// <c>/api/models/{repo}/revision/{rev}?blobs=true</c> and <c>/{repo}/resolve/{commit}/{file}</c>,
/// with range requests. It can require a token, cut a file short once, or corrupt a file.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly HttpListener listener = new();
    private readonly string repository;
    private readonly string folder;
    private readonly Task loop;

    public FakeHub(string repository, string folder)
    {
        this.repository = repository;
        this.folder = folder;
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Endpoint + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }
    public string? RequiredToken { get; init; }
    public string? CutShortOnce { get; set; }
    public string? Corrupt { get; init; }
    public List<string> Requests { get; } = [];
    public List<string> RangeRequests { get; } = [];

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { Handle(context); }
            catch (Exception) { try { context.Response.Abort(); } catch (Exception) { } }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath);
        lock (Requests) Requests.Add(path);
        var response = context.Response;
        if (RequiredToken is not null && context.Request.Headers["Authorization"] != $"Bearer {RequiredToken}")
        {
            response.StatusCode = 401;
            response.Close();
            return;
        }
        if (path == $"/api/models/{repository}/revision/main")
        {
            Write(response, Encoding.UTF8.GetBytes(Listing()), "application/json");
            return;
        }
        var prefix = $"/{repository}/resolve/{Commit}/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !File.Exists(Path.Combine(folder, path[prefix.Length..])))
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }
        var name = path[prefix.Length..];
        var bytes = File.ReadAllBytes(Path.Combine(folder, name));
        if (name == Corrupt) bytes[bytes.Length / 2] ^= 0xFF;
        long start = 0;
        if (context.Request.Headers["Range"] is { } range)
        {
            lock (RangeRequests) RangeRequests.Add($"{name} {range}");
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'));
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{bytes.Length - 1}/{bytes.Length}");
        }
        if (name == CutShortOnce)
        {
            CutShortOnce = null;
            response.ContentLength64 = bytes.Length - start;
            response.OutputStream.Write(bytes, (int)start, (bytes.Length - (int)start) / 2);
            response.OutputStream.Flush();
            response.Abort(); // the connection drops mid-body
            return;
        }
        Write(response, bytes.AsSpan((int)start).ToArray(), "application/octet-stream");
    }

    private string Listing()
    {
        var siblings = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(file =>
        {
            var name = Path.GetRelativePath(folder, file).Replace('\\', '/');
            var bytes = File.ReadAllBytes(file);
            var gitSha = Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes($"blob {bytes.Length}\0").Concat(bytes).ToArray()));
            var isLfs = name.EndsWith(".safetensors", StringComparison.Ordinal);
            return new Dictionary<string, object?>
            {
                ["rfilename"] = name,
                ["size"] = isLfs ? 135 : bytes.Length, // an LFS pointer's size, as the hub reports it
                ["blobId"] = gitSha,
                ["lfs"] = isLfs ? new { sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), size = bytes.Length, pointerSize = 135 } : null,
            };
        }).ToList();
        return JsonSerializer.Serialize(new { id = repository, sha = Commit, siblings });
    }

    private static void Write(HttpListenerResponse response, byte[] bytes, string type)
    {
        response.ContentType = type;
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
