namespace EmbedSweeps.Grains;

/// <summary>The grain storage providers the silo must register (Azure Table for small state, Blob for large).</summary>
public static class StorageNames
{
    public const string Trials = "trials";
    public const string Experiments = "experiments";
    public const string Registry = "registry";
}
