namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// The threshold searches of sentence-transformers' <c>BinaryClassificationEvaluator</c> (scores where greater
/// means more similar, sorted descending with ties in input order) and scikit-learn's <c>average_precision_score</c>.
/// </summary>
public static class ThresholdSearch
{
    /// <summary><c>find_best_acc_and_threshold</c>: the best accuracy of "similar iff score ≥ threshold" and its threshold.</summary>
    public static (double Accuracy, double Threshold) BestAccuracy(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var rows = Sorted(scores, labels);
        double best = 0, threshold = -1;
        var positivesSoFar = 0;
        var remainingNegatives = labels.Count(l => !l);
        for (var i = 0; i < rows.Length - 1; i++)
        {
            if (rows[i].Label) positivesSoFar++;
            else remainingNegatives--;
            var accuracy = (positivesSoFar + remainingNegatives) / (double)labels.Count;
            if (accuracy > best)
            {
                best = accuracy;
                threshold = (rows[i].Score + rows[i + 1].Score) / 2;
            }
        }
        return (best, threshold);
    }

    /// <summary><c>find_best_f1_and_threshold</c>: the best F1, the precision and recall there, and its threshold.</summary>
    public static (double F1, double Precision, double Recall, double Threshold) BestF1(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var rows = Sorted(scores, labels);
        double bestF1 = 0, bestPrecision = 0, bestRecall = 0, threshold = 0;
        var extracted = 0;
        var correct = 0;
        var positives = labels.Count(l => l);
        for (var i = 0; i < rows.Length - 1; i++)
        {
            extracted++;
            if (rows[i].Label) correct++;
            if (correct == 0) continue;
            var precision = correct / (double)extracted;
            var recall = correct / (double)positives;
            var f1 = 2 * precision * recall / (precision + recall);
            if (f1 > bestF1)
            {
                (bestF1, bestPrecision, bestRecall) = (f1, precision, recall);
                threshold = (rows[i].Score + rows[i + 1].Score) / 2;
            }
        }
        return (bestF1, bestPrecision, bestRecall, threshold);
    }

    /// <summary>Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds, tied scores taken together (scikit-learn).</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var rows = Sorted(scores, labels);
        var positives = labels.Count(l => l);
        if (positives == 0) return double.NaN;
        double sum = 0, previousRecall = 0;
        var truePositives = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].Label) truePositives++;
            if (i + 1 < rows.Length && rows[i + 1].Score == rows[i].Score) continue; // the same threshold
            var recall = truePositives / (double)positives;
            sum += (recall - previousRecall) * (truePositives / (double)(i + 1));
            previousRecall = recall;
        }
        return sum;
    }

    private static (double Score, bool Label)[] Sorted(IReadOnlyList<double> scores, IReadOnlyList<bool> labels) =>
        scores.Zip(labels).Select(p => (p.First, p.Second)).OrderByDescending(r => r.First).ToArray(); // stable, as Python's sorted
}
