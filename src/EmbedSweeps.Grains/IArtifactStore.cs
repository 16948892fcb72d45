namespace EmbedSweeps.Grains;

/// <summary>
/// Where trial artifacts outlive the trainer that made them: the final model (a sentence-transformers
/// directory) and the newest step checkpoint, so another trainer silo can resume a trial and any
/// machine can export a promoted model. Uploads are complete-or-invisible: readers see a directory
/// only after all of its files are there.
/// </summary>
public interface IArtifactStore
{
    /// <summary>A human-readable location of a trial's artifacts (shown by the CLI and web).</summary>
    string Location(string sweep, string trialId);

    Task UploadCheckpointAsync(string sweep, string trialId, string checkpointDirectory, CancellationToken cancellationToken);

    /// <summary>Restores the newest complete checkpoint into <c>{checkpointsDirectory}/step-N</c>; false when there is none.</summary>
    Task<bool> DownloadLatestCheckpointAsync(string sweep, string trialId, string checkpointsDirectory, CancellationToken cancellationToken);

    /// <summary>Uploads the model directory (without its checkpoints) and returns <see cref="Location"/>.</summary>
    Task<string> UploadModelAsync(string sweep, string trialId, string modelDirectory, CancellationToken cancellationToken);

    /// <summary>Downloads the trial's model into <paramref name="targetDirectory"/>; false when none was uploaded.</summary>
    Task<bool> DownloadModelAsync(string sweep, string trialId, string targetDirectory, CancellationToken cancellationToken);

    /// <summary>Deletes everything stored for the trial (model and checkpoints); readers stop seeing the model first.</summary>
    Task DeleteTrialAsync(string sweep, string trialId, CancellationToken cancellationToken);
}

/// <summary>Keys and paths made from sweep names and trial ids, which must never escape their folder or container.</summary>
public static class StorageKeys
{
    /// <summary>Letters, digits, '-' and '_' kept; anything else (slashes, dots, odd Unicode) becomes '_'.</summary>
    public static string Safe(string name) =>
        name.Length == 0 ? "_" : new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
