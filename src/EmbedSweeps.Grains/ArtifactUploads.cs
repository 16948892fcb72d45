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
    private static readonly TimeSpan[] ModelRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];
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
        for (var attempt = 0; ; attempt++)
        {
            try { return await store.UploadModelAsync(launch.Sweep, launch.TrialId, directory, CancellationToken.None); }
            catch (Exception e) when (e is not OutOfMemoryException && attempt < ModelRetryDelays.Length)
            {
                logger.LogWarning("Trial {Key}: model upload failed ({Message}); retrying", launch.Key, e.Message);
                await Task.Delay(ModelRetryDelays[attempt]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError("Trial {Key}: the model stays only at {Directory} on this machine ({Message})", launch.Key, directory, e.Message);
                return null;
            }
        }
    }
}
