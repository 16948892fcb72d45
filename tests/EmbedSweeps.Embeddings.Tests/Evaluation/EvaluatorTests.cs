using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Evaluation;

namespace EmbedSweeps.Embeddings.Tests.Evaluation;

/// <summary>The evaluators on a real model: truncation, triplets, intervals and the paired bootstrap.</summary>
public sealed class EvaluatorTests
{
    private static readonly List<ScoredPair> Pairs = File.ReadLines(Path.Combine(SharedFiles.Data, "stsb", "validation.tsv")).Skip(1).Take(120)
        .Select(line => line.Split('\t'))
        .Select(f => new ScoredPair(f[0], f[1], double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();

    [Fact]
    public void MatryoshkaTruncationScoresTheFirstDimensionsOnly()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        var result = new MatryoshkaEvaluator(new EmbeddingSimilarityEvaluator("sts", Pairs), [384, 32]).Evaluate(encoder);

        // The expected value, by hand: cosine of the first 32 values of each embedding.
        var first = encoder.Encode(Pairs.Select(p => p.Sentence1).ToList());
        var second = encoder.Encode(Pairs.Select(p => p.Sentence2).ToList());
        var cosines = Enumerable.Range(0, Pairs.Count).Select(i => Similarity.Pairwise("cosine", first.AsSpan(i * 384, 32), second.AsSpan(i * 384, 32))).ToList();
        Assert.Equal(Correlation.Spearman(cosines, Pairs.Select(p => p.Score).ToList()), result.Metrics["dim32_spearman_cosine"], 6);
        Assert.NotEqual(result.Metrics["dim384_spearman_cosine"], result.Metrics["dim32_spearman_cosine"]);
        Assert.Equal("dim384_spearman_cosine", result.PrimaryMetric);
        Assert.Null(encoder.TruncateDim); // restored
        Assert.Throws<EmbedSweepsException>(() => new MatryoshkaEvaluator(new EmbeddingSimilarityEvaluator("sts", Pairs), [512]).Evaluate(encoder));
    }

    [Fact]
    public void TripletAccuracyCountsAnchorsCloserToTheirPositive()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        List<Triplet> triplets =
        [
            new("A man is playing a guitar.", "A person plays an instrument.", "The stock market fell today."),
            new("A cat sleeps on the sofa.", "A kitten is napping on a couch.", "Two men climb a mountain."),
            new("It is raining heavily.", "The stock market fell today.", "There is a downpour outside."), // positive is the wrong one
        ];
        var result = new TripletEvaluator("t", triplets).Evaluate(encoder);
        Assert.Equal(2 / 3.0, result.Metrics["cosine_accuracy"], 12);
        Assert.Equal("cosine_accuracy", result.PrimaryMetric);
    }

    [Fact]
    public void IntervalsContainTheEstimateAndRepeatExactly()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        var result = new EmbeddingSimilarityEvaluator("sts", Pairs).Evaluate(encoder);
        var intervals = result.Intervals();
        var (low, high) = intervals["sts_spearman_cosine"];
        Assert.InRange(result.Metrics["spearman_cosine"], low, high);
        Assert.True(high - low is > 0.01 and < 0.3, $"[{low}, {high}]");
        Assert.Equal(intervals, result.Intervals()); // seeded
    }

    [Fact]
    public void ThePairedBootstrapSeesNoGainOfAModelOverItselfAndARealOneOverNoise()
    {
        using var encoder = SentenceEncoder.Load(SharedFiles.MiniLm);
        var model = new EmbeddingSimilarityEvaluator("sts", Pairs).Evaluate(encoder);
        Assert.Equal((0.0, 0.0, 0.0), Bootstrap.PairedDifference(model.Items!, model.Items!, "spearman_cosine"));

        // Gold scores as predictions against shuffled ones: a gain far from zero, and an interval that excludes it.
        var gold = new ItemMetrics(Pairs.Count, items => new Dictionary<string, double> { ["m"] = items.Average(i => Pairs[i].Score >= 2.5 ? 1.0 : 0.0) });
        var half = new ItemMetrics(Pairs.Count, items => new Dictionary<string, double> { ["m"] = items.Average(i => i % 2 == 0 ? 1.0 : 0.0) });
        var (difference, lowerBound, upperBound) = Bootstrap.PairedDifference(gold, half, "m");
        Assert.InRange(difference, lowerBound, upperBound);
        Assert.True(upperBound - lowerBound > 0);
    }
}
