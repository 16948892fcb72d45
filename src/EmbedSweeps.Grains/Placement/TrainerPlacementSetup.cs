using Orleans.Runtime.MembershipService.SiloMetadata;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedSweeps.Grains.Placement;

public static class TrainerPlacementSetup
{
    /// <summary>
    /// Announces this silo's roles and slots as silo metadata, registers the trainer placement, and —
    /// on a trainer — publishes its load to the board the placement reads.
    /// </summary>
    public static ISiloBuilder AddTrainerPlacement(this ISiloBuilder silo, IEnumerable<string> roles, int slots)
    {
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [SiloRoles.Key] = string.Join(',', roles.Order(StringComparer.Ordinal)),
            [SiloRoles.SlotsKey] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        silo.ConfigureServices(services =>
        {
            services.AddPlacementDirector<TrainerPlacement, TrainerPlacementDirector>();
            services.AddHostedService<TrainerLoadPublisher>();
        });
        return silo;
    }
}
