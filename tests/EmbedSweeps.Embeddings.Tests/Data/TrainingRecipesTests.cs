using EmbedSweeps.Embeddings.Data;
using Parquet.Serialization;

namespace EmbedSweeps.Embeddings.Tests.Data;

public sealed class TrainingRecipesTests
{
    private static readonly string Nli = Path.Combine(SharedFiles.Data, "nli");
    private static readonly string Stsb = Path.Combine(SharedFiles.Data, "stsb");

    [Fact]
    public void NliForSoftmaxKeepsAllThreeLabels()
    {
        var examples = TrainingRecipes.Load("nli", Nli, TrainingRecipes.Shape.PairWithLabel, new());
        Assert.Equal(29_498, examples.Count);
        Assert.Equal([0, 1, 2], examples.Select(e => e.Label!.Value).Distinct().Order());
    }

    [Fact]
    public void NliForCosineScoresEntailmentOneAndTheRestZero()
    {
        var examples = TrainingRecipes.Load("nli", Nli, TrainingRecipes.Shape.PairWithScore, new());
        Assert.Equal(10_160, examples.Count(e => e.Score == 1.0));
        Assert.Equal(29_498 - 10_160, examples.Count(e => e.Score == 0.0));
    }

    [Fact]
    public void NliForMnrlHasEntailmentPairsWithSeededSoftNegatives()
    {
        var first = TrainingRecipes.Load("nli", Nli, TrainingRecipes.Shape.AnchorPositive, new(Seed: 1));
        var again = TrainingRecipes.Load("nli", Nli, TrainingRecipes.Shape.AnchorPositive, new(Seed: 1));
        var other = TrainingRecipes.Load("nli", Nli, TrainingRecipes.Shape.AnchorPositive, new(Seed: 2));
        Assert.Equal(10_160, first.Count);
        Assert.All(first, e => Assert.Equal(3, e.Texts.Count));
        Assert.Equal(first.Select(e => e.Texts[2]), again.Select(e => e.Texts[2]));
        Assert.NotEqual(first.Select(e => e.Texts[2]), other.Select(e => e.Texts[2]));
        Assert.Equal(first.Select(e => e.Texts[1]).Order(), first.Select(e => e.Texts[2]).Order()); // a permutation of the positives
    }

    [Fact]
    public void HardNegativesAreContradictionsOfTheSamePremise()
    {
        var examples = TrainingRecipes.Load("nli", Nli, TrainingRecipes.Shape.AnchorPositive, new(HardNegatives: true));
        var contradictions = File.ReadLines(Path.Combine(Nli, "train.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(f => f[2] == "2").Select(f => (f[0], f[1])).ToHashSet();
        Assert.True(examples.Count(e => contradictions.Contains((e.Texts[0], e.Texts[2]))) > 5_000);
    }

    [Fact]
    public void StsbScoresAreScaledToUnitInterval()
    {
        var examples = TrainingRecipes.Load("stsb", Stsb, TrainingRecipes.Shape.PairWithScore, new(MaxSamples: 10));
        Assert.Equal(10, examples.Count);
        Assert.Equal(1.0, examples[0].Score); // "A plane is taking off." / 5.000
        Assert.All(examples, e => Assert.InRange(e.Score!.Value, 0, 1));
    }

    public sealed class PairRow
    {
        [System.Text.Json.Serialization.JsonPropertyName("query")] public string Query { get; set; } = "";
        [System.Text.Json.Serialization.JsonPropertyName("document")] public string Document { get; set; } = "";
        [System.Text.Json.Serialization.JsonPropertyName("similarity")] public double Similarity { get; set; }
    }

    [Fact]
    public async Task ParquetCsvAndJsonLinesLoadWithAColumnMapping()
    {
        var folder = SharedFiles.NewTemporaryDirectory();
        var rows = new[] { new PairRow { Query = "a, b", Document = "c \"d\"", Similarity = 0.25 }, new PairRow { Query = "e", Document = "f", Similarity = 1 } };
        var parquet = Path.Combine(folder, "pairs.parquet");
        await ParquetSerializer.SerializeAsync(rows, parquet);
        var csv = Path.Combine(folder, "pairs.csv");
        File.WriteAllText(csv, "query,document,similarity\n\"a, b\",\"c \"\"d\"\"\",0.25\ne,f,1\n");
        var jsonl = Path.Combine(folder, "pairs.jsonl");
        File.WriteAllText(jsonl, "{\"query\": \"a, b\", \"document\": \"c \\\"d\\\"\", \"similarity\": 0.25}\n{\"query\": \"e\", \"document\": \"f\", \"similarity\": 1}\n");
        var columns = new Dictionary<string, string> { ["sentence1"] = "query", ["sentence2"] = "document", ["score"] = "similarity" };

        foreach (var path in new[] { parquet, csv, jsonl })
        {
            var examples = TrainingRecipes.Load(path, path, TrainingRecipes.Shape.PairWithScore, new(Columns: columns));
            Assert.Equal(["a, b", "c \"d\""], examples[0].Texts);
            Assert.Equal([0.25, 1.0], examples.Select(e => e.Score!.Value));
        }
    }

    [Fact]
    public void MissingColumnsAreNamedWithWhatTheFileHas()
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), "x.tsv");
        File.WriteAllText(path, "text\tlabel\nhello\t1\n");
        var error = Assert.Throws<EmbedSweepsException>(() => TrainingRecipes.Load(path, path, TrainingRecipes.Shape.AnchorPositive, new()));
        Assert.Contains("anchor, positive", error.Message);
        Assert.Contains("text, label", error.Message);
    }

    [Fact]
    public void ScoresOutsideTheUnitIntervalAreExplained()
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), "x.tsv");
        File.WriteAllText(path, "sentence1\tsentence2\tscore\na\tb\t4.5\n");
        var error = Assert.Throws<EmbedSweepsException>(() => TrainingRecipes.Load(path, path, TrainingRecipes.Shape.PairWithScore, new()));
        Assert.Contains($"{path}:2", error.Message);
        Assert.Contains("divide by 5", error.Message);
    }
}
