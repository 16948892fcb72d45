using EmbedSweeps.Embeddings.Hub;

namespace EmbedSweeps.Embeddings.Tests.Hub;

public sealed class HubDownloadTests
{
    private const string Repository = "sentence-transformers/all-MiniLM-L6-v2";

    private static EmbedSweepsSettings SettingsFor(FakeHub hub, string cache, string? token = null) => new()
    {
        HubEndpoint = hub.Endpoint,
        HubCache = cache,
        HubToken = token,
    };

    [Fact]
    public async Task DownloadsIntoTheHubCacheLayoutAndEncodesLikeTheMirror()
    {
        using var hub = new FakeHub(Repository, SharedFiles.MiniLm) { RequiredToken = "secret" };
        var cache = SharedFiles.NewTemporaryDirectory();

        var directory = await new ModelResolver(SettingsFor(hub, cache, token: "secret")).ResolveAsync(Repository);

        var folder = Path.Combine(cache, "models--sentence-transformers--all-MiniLM-L6-v2");
        Assert.Equal(Path.Combine(folder, "snapshots", FakeHub.Commit), directory);
        Assert.Equal(FakeHub.Commit, File.ReadAllText(Path.Combine(folder, "refs", "main")));
        Assert.True(File.Exists(Path.Combine(directory, "1_Pooling", "config.json")));
        Assert.NotNull(new FileInfo(Path.Combine(directory, "model.safetensors")).LinkTarget);
        Assert.DoesNotContain(hub.Requests, r => r.EndsWith("README.md", StringComparison.Ordinal));

        using var downloaded = SentenceEncoder.Load(directory);
        using var mirrored = SentenceEncoder.Load(SharedFiles.MiniLm);
        Assert.Equal(mirrored.Encode(["A man is playing a guitar."]), downloaded.Encode(["A man is playing a guitar."]));
    }

    [Fact]
    public void OnlyWhatAnEncoderNeedsIsDownloadedAndNeverTwoWeightFormats()
    {
        string[] files =
        [
            "README.md", ".gitattributes", "config.json", "model.safetensors", "pytorch_model.bin", "tf_model.h5", "vocab.txt",
            "tokenizer.json", "modules.json", "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/pytorch_model.bin",
            "onnx/model.onnx", "openvino/openvino_model.xml", "0_Transformer/nested/deep.json",
        ];
        Assert.Equal(
            ["config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "modules.json", "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/pytorch_model.bin"],
            HubDownloader.SelectNeeded(files));
    }

    [Fact]
    public async Task ASecondResolveUsesTheCacheWithoutAsking()
    {
        using var hub = new FakeHub(Repository, SharedFiles.MiniLm);
        var settings = SettingsFor(hub, SharedFiles.NewTemporaryDirectory());
        var first = await new ModelResolver(settings).ResolveAsync(Repository);
        var requests = hub.Requests.Count;

        var second = await new ModelResolver(settings).ResolveAsync(Repository);

        Assert.Equal(first, second);
        Assert.Equal(requests, hub.Requests.Count);
    }

    [Fact]
    public async Task ADroppedConnectionResumesWithARangeRequest()
    {
        using var hub = new FakeHub(Repository, SharedFiles.MiniLm) { CutShortOnce = "model.safetensors" };
        var directory = await new ModelResolver(SettingsFor(hub, SharedFiles.NewTemporaryDirectory())).ResolveAsync(Repository);

        Assert.Single(hub.RangeRequests, r => r.StartsWith("model.safetensors bytes=", StringComparison.Ordinal) && !r.EndsWith("bytes=0-", StringComparison.Ordinal));
        Assert.Equal(new FileInfo(Path.Combine(SharedFiles.MiniLm, "model.safetensors")).Length,
            ((FileInfo)new FileInfo(Path.Combine(directory, "model.safetensors")).ResolveLinkTarget(returnFinalTarget: true)!).Length);
        using var encoder = SentenceEncoder.Load(directory);
    }

    [Fact]
    public async Task ACorruptFileIsRejectedAndNotCached()
    {
        using var hub = new FakeHub(Repository, SharedFiles.MiniLm) { Corrupt = "vocab.txt" };
        var cache = SharedFiles.NewTemporaryDirectory();

        var error = await Assert.ThrowsAsync<EmbedSweepsException>(() => new ModelResolver(SettingsFor(hub, cache)).ResolveAsync(Repository));

        Assert.Contains("checksum mismatch", error.Message);
        Assert.Null(new HubCache(cache).Snapshot(Repository, "main"));
        Assert.Empty(Directory.EnumerateFiles(cache, "*.incomplete", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AMissingTokenIsExplained()
    {
        using var hub = new FakeHub(Repository, SharedFiles.MiniLm) { RequiredToken = "secret" };
        var error = await Assert.ThrowsAsync<EmbedSweepsException>(
            () => new ModelResolver(SettingsFor(hub, SharedFiles.NewTemporaryDirectory())).ResolveAsync(Repository));
        Assert.Contains("HF_TOKEN", error.Message);
    }

    [Fact]
    public async Task MirrorsComeBeforeTheHub()
    {
        var settings = new EmbedSweepsSettings { ModelMirrors = [SharedFiles.Models], HubEndpoint = "http://127.0.0.1:9", HubCache = SharedFiles.NewTemporaryDirectory() };
        Assert.Equal(SharedFiles.MiniLm, await new ModelResolver(settings).ResolveAsync(Repository));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("org/../../x")]
    [InlineData("a/b/c")]
    public async Task NamesCannotEscapeTheCache(string name)
    {
        var settings = new EmbedSweepsSettings { HubCache = SharedFiles.NewTemporaryDirectory(), Offline = true };
        await Assert.ThrowsAsync<EmbedSweepsException>(() => new ModelResolver(settings).ResolveAsync(name));
    }
}
