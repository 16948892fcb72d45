using EmbedSweeps.Embeddings;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;

namespace EmbedSweeps.Cli.Cluster;

/// <summary>The cluster options from the environment, a malformed variable reported as bad input (exit 2), not an internal error.</summary>
internal static class ClusterSettings
{
    public static EmbedSweepsClusterOptions Options()
    {
        try
        {
            return EmbedSweepsClusterOptions.FromEnvironment();
        }
        catch (ArgumentException e)
        {
            throw new EmbedSweepsException(e.Message);
        }
    }
}
