using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Grains;

/// <summary>
/// Runs trial attempts on this silo (one worker process each) and relays their progress to the
/// trial grains. The grain asks; the runner owns the processes.
/// </summary>
public interface ITrialRunner
{
    string SiloName { get; }

    /// <summary>How many trials this silo runs at once; 0 on a silo without the trainer role.</summary>
    int Slots { get; }

    /// <summary>Starts the attempt in the background and returns at once.</summary>
    Task StartAsync(TrialLaunch launch);

    /// <summary>Stops the attempt if it still runs here (kills its process).</summary>
    Task StopAsync(string key, int attempt);

    bool IsRunning(string key, int attempt);

    /// <summary>Slots in use now (a worker started or waiting for its slot).</summary>
    int Busy { get; }

    /// <summary>
    /// Deletes a finished trial's model and checkpoints from the artifact store and from this machine's trial folder (when it is
    /// here); what is already gone is not an error.
    /// </summary>
    Task RemoveModelAsync(string sweep, string trialId);

    /// <summary>Completes when <see cref="Busy"/> changes, or after <paramref name="timeout"/>.</summary>
    Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
