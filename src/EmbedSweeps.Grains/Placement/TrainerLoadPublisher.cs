using EmbedSweeps.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EmbedSweeps.Grains.Placement;

/// <summary>Publishes this trainer silo's slot load to the board: at once when it changes, and every 10 s.</summary>
internal sealed class TrainerLoadPublisher(ITrialRunner runner, ILocalSiloDetails silo, IGrainFactory grains, ILogger<TrainerLoadPublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (runner.Slots == 0) return;
        var name = silo.SiloAddress.ToParsableString();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<ITrainerLoadGrain>("default").PublishAsync(name, new TrainerLoad(runner.Slots, runner.Busy, DateTimeOffset.UtcNow));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Could not publish the trainer load (the cluster may be starting)");
            }
            try { await runner.WaitForChangeAsync(Period, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
