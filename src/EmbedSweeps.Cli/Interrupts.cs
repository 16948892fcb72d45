using System.Runtime.InteropServices;

namespace EmbedSweeps.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the whole program, in one place. The first signal cancels the command's token, so
/// the command stops what it is doing, tidies up and says how to continue (exit 130); if it has not ended within
/// <see cref="Grace"/>, or a second signal comes, the process exits at once with 130.
/// A trial worker ignores SIGINT: the terminal sends it to the whole process group, and a worker must not stop
/// training and report a half-trained model as its result — its silo stops it (by killing it, or by closing its
/// stdin). SIGTERM still ends a worker at once, with no result.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);
    public const int ExitCode = 130;

    private readonly CancellationTokenSource cancellation = new();
    private readonly List<PosixSignalRegistration> registrations = [];
    private int signals;

    private Interrupts(bool worker)
    {
        if (worker)
        {
            registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true));
            return;
        }
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
    }

    /// <summary>Cancelled at the first Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => cancellation.Token;

    public static Interrupts Install(bool worker) => new(worker);

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the command ends itself; the runtime does not terminate the process now
        if (Interlocked.Increment(ref signals) > 1)
        {
            Console.Error.WriteLine("stopping at once.");
            Environment.Exit(ExitCode);
        }
        Console.Error.WriteLine($"stopping (press Ctrl-C again to quit at once) …");
        cancellation.Cancel();
        _ = Task.Delay(Grace).ContinueWith(_ =>
        {
            Console.Error.WriteLine($"did not stop within {Grace.TotalSeconds:F0} s; quitting.");
            Environment.Exit(ExitCode);
        }, TaskScheduler.Default);
    }

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
        cancellation.Dispose();
    }
}
