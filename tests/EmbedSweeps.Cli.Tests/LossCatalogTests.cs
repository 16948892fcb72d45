using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Cli.Tests;

/// <summary>The sweep schema's loss names (Sweeps may not reference Embeddings) are exactly the losses the trainer builds.</summary>
public sealed class LossCatalogTests
{
    [Fact]
    public void TheSweepSchemaListsExactlyTheTrainersLosses() => Assert.Equal(LossFactory.Names, TrialSettings.Losses);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryNamedLossIsBuiltUnderItsName(string name)
    {
        using var loss = LossFactory.Create(name, new LossFactory.Options(Dimension: 8));

        Assert.Equal(name, loss.Name);
    }

    public static TheoryData<string> Names => new(LossFactory.Names);
}
