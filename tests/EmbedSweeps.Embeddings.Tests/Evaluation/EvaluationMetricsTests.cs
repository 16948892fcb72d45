using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Evaluation;

namespace EmbedSweeps.Embeddings.Tests.Evaluation;

/// <summary>
/// Every metric against independent numpy/scipy/scikit-learn values on the same inputs
/// (bench/evaluation_metrics_reference.py wrote Fixtures/evaluation_metrics.json).
/// </summary>
public sealed class EvaluationMetricsTests
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "evaluation_metrics.json")))!;

    private static float[] Matrix(JsonNode node) => node.AsArray().SelectMany(row => row!.AsArray().Select(v => (float)v!.GetValue<double>())).ToArray();
    private static double[] Vector(JsonNode node) => node.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    [Theory]
    [InlineData("cosine")]
    [InlineData("dot")]
    public void RetrievalMetricsEqualTheReference(string fn)
    {
        var retrieval = Fixture["retrieval"]!;
        var relevant = retrieval["relevant"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<int>()).ToHashSet()).ToList();
        // Small chunks, so the chunked top-k and its merging across chunks are exercised.
        var perQuery = InformationRetrievalEvaluator.PerQueryMetrics(Matrix(retrieval["queries"]!), Matrix(retrieval["corpus"]!), 8, fn, relevant,
            corpusChunkSize: 7, queryChunkSize: 5);
        var expected = retrieval["expected"]![fn]!.AsObject();
        Assert.Equal(expected.Select(p => p.Key).Order(), perQuery.Keys.Order());
        foreach (var (metric, value) in expected)
            Assert.True(Math.Abs(value!.GetValue<double>() - perQuery[metric].Average()) < 1e-9, $"{metric}: {perQuery[metric].Average()} vs {value}");
    }

    [Fact]
    public void TiesAreBrokenByCorpusOrder()
    {
        // Documents 5 and 17 are the same vector; query 0's relevant set is {5, 17}: both in the top 2, 5 first.
        var retrieval = Fixture["retrieval"]!;
        float[] query = [.. Matrix(retrieval["corpus"]!).AsSpan(5 * 8, 8)];
        var perQuery = InformationRetrievalEvaluator.PerQueryMetrics(query, Matrix(retrieval["corpus"]!), 8, "cosine", [[17]], corpusChunkSize: 7);
        Assert.Equal(0.5, perQuery["cosine_mrr_at_10"][0], 12); // 17 ranks second behind its twin 5
    }

    [Fact]
    public void PairClassificationEqualsTheReference()
    {
        var pairs = Fixture["pair_classification"]!;
        var scores = Vector(pairs["scores"]!);
        var labels = pairs["labels"]!.AsArray().Select(v => v!.GetValue<int>() == 1).ToArray();
        var expected = pairs["expected"]!;
        var (accuracy, accuracyThreshold) = ThresholdSearch.BestAccuracy(scores, labels);
        var (f1, precision, recall, f1Threshold) = ThresholdSearch.BestF1(scores, labels);
        Assert.Equal(expected["cosine_accuracy"]!.GetValue<double>(), accuracy, 12);
        Assert.Equal(expected["cosine_accuracy_threshold"]!.GetValue<double>(), accuracyThreshold, 12);
        Assert.Equal(expected["cosine_f1"]!.GetValue<double>(), f1, 12);
        Assert.Equal(expected["cosine_precision"]!.GetValue<double>(), precision, 12);
        Assert.Equal(expected["cosine_recall"]!.GetValue<double>(), recall, 12);
        Assert.Equal(expected["cosine_f1_threshold"]!.GetValue<double>(), f1Threshold, 12);
        Assert.Equal(expected["cosine_ap"]!.GetValue<double>(), ThresholdSearch.AveragePrecision(scores, labels), 12);
    }

    [Fact]
    public void StsCorrelationsEqualScipy()
    {
        var sts = Fixture["sts"]!;
        Assert.Equal(sts["expected"]!["pearson"]!.GetValue<double>(), Correlation.Pearson(Vector(sts["cosine"]!), Vector(sts["gold"]!)), 12);
        Assert.Equal(sts["expected"]!["spearman"]!.GetValue<double>(), Correlation.Spearman(Vector(sts["cosine"]!), Vector(sts["gold"]!)), 12);
    }

    [Fact]
    public void TripletAccuracyEqualsTheReference()
    {
        var triplet = Fixture["triplet"]!;
        var (anchors, positives, negatives) = (Matrix(triplet["anchors"]!), Matrix(triplet["positives"]!), Matrix(triplet["negatives"]!));
        var correct = Enumerable.Range(0, anchors.Length / 8).Count(i =>
            Similarity.Pairwise("cosine", anchors.AsSpan(i * 8, 8), positives.AsSpan(i * 8, 8)) > Similarity.Pairwise("cosine", anchors.AsSpan(i * 8, 8), negatives.AsSpan(i * 8, 8)));
        Assert.Equal(triplet["expected"]!.GetValue<double>(), correct / (anchors.Length / 8.0), 12);
    }

    [Theory]
    [InlineData(MtebProtocol.V1, "mteb-v1")]
    [InlineData(MtebProtocol.V2, "mteb-v2")]
    public void ClassificationSamplesAreDrawnAsEachMtebReleaseDraws(MtebProtocol protocol, string key)
    {
        var labels = Fixture["sampling"]!["labels"]!.AsArray().Select(l => new LabeledText("x", l!.GetValue<string>())).ToList();
        var evaluator = new FewShotClassificationEvaluator("t", labels, labels, experiments: 3, samplesPerLabel: 3, protocol: protocol);
        var expected = Fixture["sampling"]![key]!.AsArray().Select(e => e!.AsArray().Select(v => v!.GetValue<int>()).ToList()).ToList();
        Assert.Equal(expected, evaluator.DrawSamples());
    }

    [Fact]
    public void ClassificationScoresEqualScikitLearn()
    {
        var classification = Fixture["classification"]!;
        int[] Ints(string key) => classification[key]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var (truth, predicted) = (Ints("truth"), Ints("predicted"));
        var scores = ClassificationMetrics.Scores(truth, predicted, Enumerable.Range(0, truth.Length).ToArray(), 6);
        Assert.Equal(classification["accuracy"]!.GetValue<double>(), scores.Accuracy, 12);
        Assert.Equal(classification["f1"]!.GetValue<double>(), scores.Macro, 12);
        Assert.Equal(classification["f1_weighted"]!.GetValue<double>(), scores.Weighted, 12);
        var (macro, weighted) = ClassificationMetrics.F1(truth.Select(t => $"{t}").ToList(), predicted.Select(p => $"{p}").ToList());
        Assert.Equal(scores.Macro, macro, 12);
        Assert.Equal(scores.Weighted, weighted, 12);
    }

    [Fact]
    public void PercentilesEqualNumpy()
    {
        var values = Vector(Fixture["percentile"]!["values"]!);
        Assert.Equal(Fixture["percentile"]!["p2_5"]!.GetValue<double>(), Bootstrap.Percentile(values, 2.5), 12);
        Assert.Equal(Fixture["percentile"]!["p97_5"]!.GetValue<double>(), Bootstrap.Percentile(values, 97.5), 12);
    }
}
