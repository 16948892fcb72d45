using EmbedSweeps.Embeddings.Evaluation;

namespace EmbedSweeps.Embeddings.Tests.Evaluation;

public sealed class StatisticsTests
{
    [Fact]
    public void TiedValuesShareTheirAverageRank()
    {
        Assert.Equal([1.0, 2.5, 2.5, 4.0], Correlation.Ranks([10, 20, 20, 30]));
    }

    [Fact]
    public void SpearmanMatchesScipyWithTies()
    {
        // scipy 1.10: spearmanr([1, 2, 2, 3, 4], [2, 1, 3, 3, 5])[0] == 0.763157894736842 (7.25 / 9.5 by hand)
        Assert.Equal(0.763157894736842, Correlation.Spearman([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]), 12);
    }

    [Fact]
    public void PearsonOfAPerfectLineIsOne()
    {
        Assert.Equal(1.0, Correlation.Pearson([1, 2, 3], [2, 4, 6]), 12);
        Assert.Equal(-1.0, Correlation.Pearson([1, 2, 3], [3, 2, 1]), 12);
    }

    [Fact]
    public void NumpyRandomStateReproducesNumpy()
    {
        // numpy 1.24: RandomState(42) draws and shuffles.
        var random = new NumpyRandomState(42);
        Assert.Equal([1608637542u, 3421126067u, 4083286876u], new[] { random.NextUInt32(), random.NextUInt32(), random.NextUInt32() });

        var shuffler = new NumpyRandomState(42);
        var items = Enumerable.Range(0, 20).ToArray();
        shuffler.Shuffle(items);
        Assert.Equal([0, 17, 15, 1, 8, 5, 11, 3, 18, 16, 13, 2, 9, 19, 4, 12, 7, 10, 14, 6], items);
        shuffler.Shuffle(items);
        Assert.Equal([6, 7, 12, 5, 8, 9, 4, 3, 1, 11, 15, 16, 19, 13, 14, 18, 10, 2, 0, 17], items);

        var large = Enumerable.Range(0, 10003).ToArray();
        new NumpyRandomState(42).Shuffle(large);
        Assert.Equal([6883, 5836, 8601, 2545, 8697, 5573, 576, 6832, 7111, 439], large.Take(10));
    }
}
