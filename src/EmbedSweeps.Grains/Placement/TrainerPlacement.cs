using Orleans.Placement;

namespace EmbedSweeps.Grains.Placement;

/// <summary>
/// Places a grain only on a silo with the trainer role (silo metadata <see cref="SiloRoles.Key"/>),
/// preferring the one with the most free trial slots. The director lives with the silo wiring.
/// </summary>
public sealed class TrainerPlacement : PlacementStrategy
{
    public static readonly TrainerPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TrainerPlacementAttribute() : PlacementAttribute(TrainerPlacement.Instance);

/// <summary>The silo metadata that says what a silo does.</summary>
public static class SiloRoles
{
    /// <summary>Comma-separated roles: trainer, web.</summary>
    public const string Key = "embedsweeps.roles";

    /// <summary>How many trials the silo runs at once.</summary>
    public const string SlotsKey = "embedsweeps.slots";

    public const string Trainer = "trainer";
    public const string Web = "web";

    public static bool IsTrainer(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(Key, out var roles) && roles.Split(',').Contains(Trainer);
}
