namespace EmbedSweeps.Web.Tests;

/// <summary>
/// The tests that start a cluster: they set the process environment the silo and CLI processes inherit
/// (storage prefix) and Playwright's default timeouts, both process-wide, so they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
