namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>Accuracy and F1 as scikit-learn's <c>accuracy_score</c> and <c>f1_score(average=…)</c> compute them.</summary>
public static class ClassificationMetrics
{
    public static double Accuracy(IReadOnlyList<string> truth, IReadOnlyList<string> predicted) =>
        truth.Zip(predicted).Count(p => p.First == p.Second) / (double)truth.Count;

    /// <summary>Macro and support-weighted F1 over the labels present in either list (an undefined F1 counts as 0).</summary>
    public static (double Macro, double Weighted) F1(IReadOnlyList<string> truth, IReadOnlyList<string> predicted)
    {
        var labels = truth.Concat(predicted).Distinct().ToList();
        double macro = 0, weighted = 0;
        foreach (var label in labels)
        {
            int truePositive = 0, falsePositive = 0, falseNegative = 0;
            for (var i = 0; i < truth.Count; i++)
            {
                var isTrue = truth[i] == label;
                var isPredicted = predicted[i] == label;
                if (isTrue && isPredicted) truePositive++;
                else if (isPredicted) falsePositive++;
                else if (isTrue) falseNegative++;
            }
            var denominator = 2 * truePositive + falsePositive + falseNegative;
            var f1 = denominator == 0 ? 0 : 2.0 * truePositive / denominator;
            macro += f1;
            weighted += f1 * (truePositive + falseNegative);
        }
        return (macro / labels.Count, weighted / truth.Count);
    }

    /// <summary>
    /// Accuracy, macro-F1 and weighted-F1 of the <paramref name="items"/> (indices, repeats allowed) of label ids in
    /// 0..<paramref name="labelCount"/>−1, in one pass: the same values as <see cref="Accuracy"/> and <see cref="F1"/>,
    /// fast enough for a thousand bootstrap resamples.
    /// </summary>
    public static (double Accuracy, double Macro, double Weighted) Scores(int[] truth, int[] predicted, IReadOnlyList<int> items, int labelCount)
    {
        var truePositive = new int[labelCount];
        var falsePositive = new int[labelCount];
        var falseNegative = new int[labelCount];
        var correct = 0;
        foreach (var i in items)
        {
            if (truth[i] == predicted[i]) { truePositive[truth[i]]++; correct++; }
            else { falsePositive[predicted[i]]++; falseNegative[truth[i]]++; }
        }
        double macro = 0, weighted = 0;
        var present = 0;
        for (var label = 0; label < labelCount; label++)
        {
            var denominator = 2 * truePositive[label] + falsePositive[label] + falseNegative[label];
            if (denominator == 0) continue; // neither true nor predicted here: not one of the labels scored
            present++;
            var f1 = 2.0 * truePositive[label] / denominator;
            macro += f1;
            weighted += f1 * (truePositive[label] + falseNegative[label]);
        }
        return (correct / (double)items.Count, macro / present, weighted / items.Count);
    }
}
