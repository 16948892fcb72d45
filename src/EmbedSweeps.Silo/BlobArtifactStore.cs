using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EmbedSweeps.Client;
using EmbedSweeps.Grains;

namespace EmbedSweeps.Silo;

/// <summary>
/// Trial artifacts in one blob container: <c>{sweep}/{trial}/model/…</c> and
/// <c>{sweep}/{trial}/checkpoints/step-N/…</c>. Each directory gets a <c>_COMPLETE</c> blob after its
/// last file, and readers ignore a directory without one — a trainer killed mid-upload leaves nothing
/// half-visible. Only the newest complete checkpoint is kept.
/// </summary>
public sealed class BlobArtifactStore(BlobContainerClient container) : IArtifactStore
{
    private const string Marker = "_COMPLETE";
    private const string CheckpointsFolder = "checkpoints";
    private readonly SemaphoreSlim created = new(1, 1);
    private bool exists;

    public static BlobArtifactStore For(EmbedSweepsClusterOptions options) =>
        new(options.Blobs().GetBlobContainerClient(options.StoragePrefix + "-artifacts"));

    public string Location(string sweep, string trialId) => $"{container.Uri}/{Root(sweep, trialId)}model";

    public async Task UploadCheckpointAsync(string sweep, string trialId, string checkpointDirectory, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(checkpointDirectory.TrimEnd('/'));
        var prefix = $"{Root(sweep, trialId)}{CheckpointsFolder}/{name}/";
        await UploadDirectoryAsync(checkpointDirectory, prefix, skip: null, cancellationToken);
        // The new one is complete: older checkpoints of this trial are no longer needed.
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{Root(sweep, trialId)}{CheckpointsFolder}/" }, cancellationToken))
            if (!blob.Name.StartsWith(prefix, StringComparison.Ordinal))
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
    }

    public async Task<bool> DownloadLatestCheckpointAsync(string sweep, string trialId, string checkpointsDirectory, CancellationToken cancellationToken)
    {
        var root = $"{Root(sweep, trialId)}{CheckpointsFolder}/";
        var complete = new List<(int Step, string Name)>();
        if (!await ExistsAsync(cancellationToken)) return false;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = root }, cancellationToken))
        {
            var relative = blob.Name[root.Length..].Split('/');
            if (relative is [var folder, Marker] && folder.StartsWith("step-", StringComparison.Ordinal) && int.TryParse(folder["step-".Length..], out var step))
                complete.Add((step, folder));
        }
        if (complete.Count == 0) return false;
        var newest = complete.MaxBy(c => c.Step).Name;
        return await DownloadDirectoryAsync($"{root}{newest}/", Path.Combine(checkpointsDirectory, newest), cancellationToken);
    }

    public async Task<string> UploadModelAsync(string sweep, string trialId, string modelDirectory, CancellationToken cancellationToken)
    {
        await UploadDirectoryAsync(modelDirectory, $"{Root(sweep, trialId)}model/", skip: CheckpointsFolder, cancellationToken);
        return Location(sweep, trialId);
    }

    public async Task<bool> DownloadModelAsync(string sweep, string trialId, string targetDirectory, CancellationToken cancellationToken) =>
        await ExistsAsync(cancellationToken) && await DownloadDirectoryAsync($"{Root(sweep, trialId)}model/", targetDirectory, cancellationToken);

    public async Task DeleteTrialAsync(string sweep, string trialId, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken)) return;
        // The model's marker first: from then on no reader takes the model for complete, even if the rest is deleted later.
        await container.DeleteBlobIfExistsAsync($"{Root(sweep, trialId)}model/{Marker}", cancellationToken: cancellationToken);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = Root(sweep, trialId) }, cancellationToken))
            await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
    }

    private static string Root(string sweep, string trialId) => $"{StorageKeys.Safe(sweep)}/{StorageKeys.Safe(trialId)}/";

    private async Task UploadDirectoryAsync(string directory, string prefix, string? skip, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        // A re-upload (a retried attempt) must not leave an older marker visible over newer files.
        await container.DeleteBlobIfExistsAsync(prefix + Marker, cancellationToken: cancellationToken);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => skip is null || !f.StartsWith(skip + "/", StringComparison.Ordinal))
            .ToList();
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(Path.Combine(directory, file));
            await container.GetBlobClient(prefix + file).UploadAsync(stream, overwrite: true, cancellationToken);
        }
        await container.GetBlobClient(prefix + Marker).UploadAsync(BinaryData.FromString(files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), overwrite: true, cancellationToken);
    }

    private async Task<bool> DownloadDirectoryAsync(string prefix, string target, CancellationToken cancellationToken)
    {
        if (!(await container.GetBlobClient(prefix + Marker).ExistsAsync(cancellationToken)).Value) return false;
        // Into a staging folder first: a reader never sees a half-downloaded model.
        var staging = target.TrimEnd('/') + $".{Environment.ProcessId}.download";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        var root = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            var relative = blob.Name[prefix.Length..];
            if (relative == Marker) continue;
            var local = Path.GetFullPath(Path.Combine(staging, relative));
            if (!local.StartsWith(root, StringComparison.Ordinal)) continue; // a crafted blob name must not write outside
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await container.GetBlobClient(blob.Name).DownloadToAsync(local, cancellationToken);
        }
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        Directory.Move(staging, target);
        return true;
    }

    private async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        if (exists) return true;
        return exists = (await container.ExistsAsync(cancellationToken)).Value;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (exists) return;
        await created.WaitAsync(cancellationToken);
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            exists = true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            exists = true;
        }
        finally
        {
            created.Release();
        }
    }
}
