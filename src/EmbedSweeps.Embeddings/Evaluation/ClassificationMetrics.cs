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
}
