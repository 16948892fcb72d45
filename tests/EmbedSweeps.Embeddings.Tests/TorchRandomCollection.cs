namespace EmbedSweeps.Embeddings.Tests;

/// <summary>
/// Tests that depend on torch's global random generator (dropout, initialisation) must not run while
/// other tests use it: xunit runs this collection on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "torch global RNG";
}
