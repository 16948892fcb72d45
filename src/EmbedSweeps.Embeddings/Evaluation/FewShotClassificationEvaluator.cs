using EmbedSweeps.Embeddings.Data;

namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// MTEB's classification protocol (Banking77Classification and a user's own labelled texts): in each of
/// <c>experiments</c> runs, shuffle the training indices with numpy's RandomState(seed) as
/// <paramref name="protocol"/> says (<see cref="MtebProtocol"/>), keep the first <c>samplesPerLabel</c> texts of
/// each label, fit scikit-learn-default logistic regression on their embeddings and score it on the whole test
/// split. Reports the means of accuracy (primary), macro-F1 and weighted-F1. As MTEB 2.x does, only the union of
/// the sampled training texts is encoded, once, and the test texts once. Embeddings are used as the model returns
/// them, of texts with the prompt MTEB would give them for <paramref name="mtebTaskName"/>.
/// Items for confidence intervals: the test texts.
/// </summary>
public sealed class FewShotClassificationEvaluator(
    string name, IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test,
    int experiments = 10, int samplesPerLabel = 8, uint seed = 42, int batchSize = 32,
    string mtebTaskName = "Banking77Classification", MtebProtocol protocol = MtebProtocol.V2) : ISentenceEvaluator
{
    public string Name { get; } = name;

    public EvaluationResult Evaluate(SentenceEncoder encoder)
    {
        if (train.Count == 0 || test.Count == 0) throw new EmbedSweepsException($"{Name}: the train and test splits must not be empty.");
        if (train.Select(t => t.Label).Distinct().Count() < 2)
            throw new EmbedSweepsException($"{Name}: the train split has only one label ({train[0].Label}); classification needs at least two.");
        var samples = DrawSamples();
        var needed = samples.SelectMany(s => s).Distinct().Order().ToList();
        var dimension = encoder.Dimension;
        var prompt = encoder.Settings.PromptForTask(mtebTaskName, "Classification", promptType: null);
        var trainEmbeddings = encoder.Encode(needed.Select(i => train[i].Text).ToList(), batchSize, prompt: prompt);
        var rowOf = needed.Select((index, row) => (index, row)).ToDictionary(p => p.index, p => p.row);
        var testEmbeddings = encoder.Encode(test.Select(t => t.Text).ToList(), batchSize, prompt: prompt);
        // Labels as ids, so a thousand bootstrap resamples of accuracy and F1 cost milliseconds each.
        var labelIds = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string label) => labelIds.TryGetValue(label, out var id) ? id : labelIds[label] = labelIds.Count;
        var truth = test.Select(t => Id(t.Label)).ToArray();

        var predictions = new List<int[]>();
        foreach (var sample in samples)
        {
            var x = new float[sample.Count * dimension];
            for (var r = 0; r < sample.Count; r++)
                Array.Copy(trainEmbeddings, (long)rowOf[sample[r]] * dimension, x, (long)r * dimension, dimension);
            var model = new LogisticRegression().Fit(x, dimension, sample.Select(i => train[i].Label).ToList());
            predictions.Add(model.Predict(testEmbeddings).Select(Id).ToArray());
        }

        IReadOnlyDictionary<string, double> Compute(IReadOnlyList<int> items)
        {
            double accuracy = 0, macro = 0, weighted = 0;
            foreach (var predicted in predictions)
            {
                var scores = ClassificationMetrics.Scores(truth, predicted, items, labelIds.Count);
                accuracy += scores.Accuracy;
                macro += scores.Macro;
                weighted += scores.Weighted;
            }
            return new Dictionary<string, double>
            {
                ["accuracy"] = accuracy / predictions.Count,
                ["f1"] = macro / predictions.Count,
                ["f1_weighted"] = weighted / predictions.Count,
            };
        }

        return new EvaluationResult(Name, Compute(Enumerable.Range(0, test.Count).ToArray()), "accuracy", GreaterIsBetter: true,
            new ItemMetrics(test.Count, Compute), MtebProtocols.Name(protocol));
    }

    /// <summary>The training indices of each experiment, drawn exactly as the chosen MTEB release's <c>_undersample_data</c> does.</summary>
    public List<List<int>> DrawSamples()
    {
        var random = new NumpyRandomState(seed);
        var indices = Enumerable.Range(0, train.Count).ToArray();
        var result = new List<List<int>>();
        for (var experiment = 0; experiment < experiments; experiment++)
        {
            // 1.x: one generator for all experiments; 2.x: a fresh RandomState(seed) each time. Both reshuffle the same array.
            if (protocol == MtebProtocol.V2) random = new NumpyRandomState(seed);
            random.Shuffle(indices);
            var counts = new Dictionary<string, int>();
            var chosen = new List<int>();
            foreach (var i in indices)
            {
                counts.TryGetValue(train[i].Label, out var count);
                if (count >= samplesPerLabel) continue;
                counts[train[i].Label] = count + 1;
                chosen.Add(i);
            }
            result.Add(chosen);
        }
        return result;
    }
}
