using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains;

/// <summary>
/// One attempt's uploads, in order: each checkpoint as the worker reports it (in the background, so
/// the worker is never held up), then the final model once every checkpoint upload has finished.
/// A checkpoint that fails to upload is skipped (the next one replaces it); the model is retried,
/// because without it the trial could be exported only from this machine.
/// </summary>
internal sealed class ArtifactUploads(IArtifactStore store, TrialLaunch launch, ILogger logger)
{
    private Task pending = Task.CompletedTask;

    public void Checkpoint(string directory) => pending = pending.ContinueWith(async _ =>
    {
        try { await store.UploadCheckpointAsync(launch.Sweep, launch.TrialId, directory, CancellationToken.None); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Rotated away by a newer checkpoint mid-upload, or storage briefly down: the next one replaces it.
            logger.LogWarning("Trial {Key}: checkpoint {Directory} was not uploaded ({Message})", launch.Key, directory, e.Message);
        }
    }, TaskScheduler.Default).Unwrap();

    /// <summary>Uploads the model after the pending checkpoints; its location, or null when storage refused it every time.</summary>
    public async Task<string?> ModelAsync(string directory)
    {
        await pending;
        var retrying = RetryPolicy.ModelUpload.Pipeline(e => e is not OutOfMemoryException,
            (e, _, _) => logger.LogWarning("Trial {Key}: model upload failed ({Message}); retrying", launch.Key, e.Message));
        try
        {
            return await retrying.ExecuteAsync(async token => await store.UploadModelAsync(launch.Sweep, launch.TrialId, directory, token));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError("Trial {Key}: the model stays only at {Directory} on this machine ({Message})", launch.Key, directory, e.Message);
            return null;
        }
    }
}
