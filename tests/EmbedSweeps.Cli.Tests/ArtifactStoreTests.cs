using Azure.Storage.Blobs;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;

namespace EmbedSweeps.Cli.Tests;

/// <summary>The blob artifact store against Azurite: what a trainer uploads another machine can fetch, and nothing half-written is ever seen.</summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
public sealed class ArtifactStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly BlobContainerClient container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("a" + Guid.NewGuid().ToString("N")[..12]);

    private static string Folder(params (string Path, string Text)[] files)
    {
        var folder = CliRunner.NewTemporaryDirectory();
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), text);
        }
        return folder;
    }

    [Fact]
    public async Task TheNewestCompleteCheckpointIsRestoredAndOlderOnesAreDropped()
    {
        var store = new BlobArtifactStore(container);
        var root = Folder(("step-10/weights.safetensors", "ten"), ("step-20/weights.safetensors", "twenty"), ("step-20/trainer_state.json", "{}"));
        await store.UploadCheckpointAsync("s", "t1", Path.Combine(root, "step-10"), default);
        await store.UploadCheckpointAsync("s", "t1", Path.Combine(root, "step-20"), default);

        var target = CliRunner.NewTemporaryDirectory();
        Assert.True(await store.DownloadLatestCheckpointAsync("s", "t1", target, default));

        Assert.Equal("twenty", File.ReadAllText(Path.Combine(target, "step-20", "weights.safetensors")));
        Assert.True(File.Exists(Path.Combine(target, "step-20", "trainer_state.json")));
        Assert.False(Directory.Exists(Path.Combine(target, "step-10")));
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        Assert.DoesNotContain(names, n => n.Contains("step-10"));
    }

    [Fact]
    public async Task ACheckpointWithoutItsCompletionMarkIsIgnored()
    {
        var store = new BlobArtifactStore(container);
        await store.UploadCheckpointAsync("s", "t2", Path.Combine(Folder(("step-5/w", "five")), "step-5"), default);
        // A trainer killed mid-upload: files of step-9 but no marker.
        await container.GetBlobClient("s/t2/checkpoints/step-9/w").UploadAsync(BinaryData.FromString("nine"));

        var target = CliRunner.NewTemporaryDirectory();
        Assert.True(await store.DownloadLatestCheckpointAsync("s", "t2", target, default));
        Assert.Equal("five", File.ReadAllText(Path.Combine(target, "step-5", "w")));
        Assert.False(await store.DownloadLatestCheckpointAsync("s", "never-ran", CliRunner.NewTemporaryDirectory(), default));
    }

    [Fact]
    public async Task AModelRoundTripsWithoutItsCheckpoints()
    {
        var store = new BlobArtifactStore(container);
        var model = Folder(("config.json", "{}"), ("1_Pooling/config.json", "{\"pooling\":1}"), ("checkpoints/step-3/w", "big"));
        var location = await store.UploadModelAsync("sweep", "t3", model, default);
        Assert.EndsWith("/sweep/t3/model", location);

        var target = Path.Combine(CliRunner.NewTemporaryDirectory(), "copy");
        Assert.True(await store.DownloadModelAsync("sweep", "t3", target, default));
        Assert.Equal("{\"pooling\":1}", File.ReadAllText(Path.Combine(target, "1_Pooling", "config.json")));
        Assert.False(Directory.Exists(Path.Combine(target, "checkpoints")));
        Assert.False(await store.DownloadModelAsync("sweep", "other", Path.Combine(CliRunner.NewTemporaryDirectory(), "none"), default));
    }

    [Theory]
    [InlineData("../../escape", "t")]
    [InlineData("s", "../../../etc")]
    [InlineData("naïve/ü\u202e", "t")]
    public async Task NamesCannotEscapeTheirFolder(string sweep, string trial)
    {
        var store = new BlobArtifactStore(container);
        await store.UploadModelAsync(sweep, trial, Folder(("config.json", "{}")), default);

        await foreach (var blob in container.GetBlobsAsync())
        {
            Assert.DoesNotContain("..", blob.Name);
            Assert.Equal(4, blob.Name.Split('/').Length); // sweep/trial/model/file
            Assert.All(blob.Name, c => Assert.True(char.IsAscii(c)));
        }
    }
}
