namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Logistic regression as scikit-learn's <c>LogisticRegression()</c> defaults fit it: L2 penalty with C = 1 on the
/// weights (not the intercepts), one weight vector per class (multinomial) — or, for two classes, a single vector
/// for the second class against the first (binary, as scikit-learn does then), minimised
/// by L-BFGS (history 10) for at most 100 iterations, stopping when the largest gradient component
/// of the sample-averaged objective falls below 1e-4.
/// </summary>
public sealed class LogisticRegression(double c = 1.0, int maxIterations = 100, double tolerance = 1e-4)
{
    private double[] weights = []; // [classes, features + 1]; the last column is the intercept
    private int features;

    public IReadOnlyList<string> Classes { get; private set; } = [];
    public int Iterations { get; private set; }

    /// <summary>Fits on <paramref name="x"/> (row-major [rows, featureCount]) and labels <paramref name="y"/>.</summary>
    public LogisticRegression Fit(float[] x, int featureCount, IReadOnlyList<string> y)
    {
        var rows = y.Count;
        if (x.Length != rows * featureCount) throw new ArgumentException("x does not have rows × featureCount values.");
        features = featureCount;
        Classes = y.Distinct().OrderBy(l => l, StringComparer.Ordinal).ToList(); // np.unique's order
        if (Classes.Count < 2) throw new EmbedSweepsException($"logistic regression needs at least two classes, got {Classes.Count}.");
        var classIndex = Classes.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);
        var targets = y.Select(label => classIndex[label]).ToArray();
        var inputs = Array.ConvertAll(x, v => (double)v);
        var regularisation = 1.0 / (c * rows);

        double Objective(double[] w, double[] gradient) =>
            LossAndGradient(w, gradient, inputs, targets, rows, regularisation);

        weights = new double[Vectors * (features + 1)];
        Iterations = Lbfgs.Minimise(Objective, weights, maxIterations, tolerance);
        return this;
    }

    /// <summary>Class probabilities of each row, [rows, classes].</summary>
    public double[] PredictProbabilities(float[] x)
    {
        var rows = x.Length / features;
        var probabilities = new double[rows * Classes.Count];
        var logits = new double[Classes.Count];
        for (var r = 0; r < rows; r++)
        {
            Logits(x.AsSpan(r * features, features), logits);
            Softmax(logits);
            logits.CopyTo(probabilities, r * Classes.Count);
        }
        return probabilities;
    }

    /// <summary>The most probable class of each row (the first in class order on ties, as numpy's argmax).</summary>
    public string[] Predict(float[] x)
    {
        var rows = x.Length / features;
        var logits = new double[Classes.Count];
        var predictions = new string[rows];
        for (var r = 0; r < rows; r++)
        {
            Logits(x.AsSpan(r * features, features), logits);
            var best = 0;
            for (var k = 1; k < logits.Length; k++) if (logits[k] > logits[best]) best = k;
            predictions[r] = Classes[best];
        }
        return predictions;
    }

    /// <summary>A fitted weight: of class <paramref name="classIndex"/> (multinomial), or of the binary model's single vector (index 0).</summary>
    public double Weight(int classIndex, int feature) => weights[classIndex * (features + 1) + feature];
    public double Intercept(int classIndex) => weights[classIndex * (features + 1) + features];

    // Two classes: one vector, whose logit is the second class's against a fixed 0 for the first (a sigmoid).
    private int Vectors => Classes.Count == 2 ? 1 : Classes.Count;

    private void Logits(ReadOnlySpan<float> row, double[] logits)
    {
        Span<double> values = row.Length <= 1024 ? stackalloc double[row.Length] : new double[row.Length];
        for (var f = 0; f < row.Length; f++) values[f] = row[f];
        Logits(weights, values, logits);
    }

    private void Logits(double[] w, ReadOnlySpan<double> row, double[] logits)
    {
        var binary = Classes.Count == 2;
        if (binary) logits[0] = 0;
        for (var v = 0; v < Vectors; v++)
        {
            var offset = v * (features + 1);
            var sum = w[offset + features];
            for (var f = 0; f < features; f++) sum += w[offset + f] * row[f];
            logits[binary ? 1 : v] = sum;
        }
    }

    private double LossAndGradient(double[] w, double[] gradient, double[] x, int[] y, int rows, double regularisation)
    {
        var classes = Classes.Count;
        var binary = classes == 2;
        var stride = features + 1;
        Array.Clear(gradient);
        var logits = new double[classes];
        double loss = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * features, features);
            Logits(w, row, logits);
            var max = logits.Max();
            double normaliser = 0;
            for (var k = 0; k < classes; k++) normaliser += Math.Exp(logits[k] - max);
            loss += Math.Log(normaliser) + max - logits[y[r]];
            for (var k = binary ? 1 : 0; k < classes; k++)
            {
                var error = Math.Exp(logits[k] - max) / normaliser - (k == y[r] ? 1 : 0);
                var offset = (binary ? 0 : k) * stride;
                for (var f = 0; f < features; f++) gradient[offset + f] += error * row[f];
                gradient[offset + features] += error;
            }
        }
        loss /= rows;
        for (var i = 0; i < gradient.Length; i++) gradient[i] /= rows;
        for (var k = 0; k < Vectors; k++)
            for (var f = 0; f < features; f++)
            {
                var index = k * stride + f;
                loss += 0.5 * regularisation * w[index] * w[index];
                gradient[index] += regularisation * w[index];
            }
        return loss;
    }

    private static void Softmax(double[] logits)
    {
        var max = logits.Max();
        double sum = 0;
        for (var k = 0; k < logits.Length; k++) sum += logits[k] = Math.Exp(logits[k] - max);
        for (var k = 0; k < logits.Length; k++) logits[k] /= sum;
    }
}
