namespace EmbedSweeps.Embeddings.Evaluation;

/// <summary>
/// Unconstrained L-BFGS with a strong-Wolfe line search (Nocedal &amp; Wright, algorithms 7.4, 3.5
/// and 3.6), with the stopping rules scipy's L-BFGS-B uses for scikit-learn: projected-gradient
/// infinity norm below <c>tolerance</c>, or a relative decrease of the objective below 64·ε.
/// </summary>
public static class Lbfgs
{
    private const int History = 10;
    private const double SufficientDecrease = 1e-4;
    private const double Curvature = 0.9;

    /// <summary>Minimises <paramref name="objective"/> (value; writes the gradient) from <paramref name="x"/> in place; returns the iterations used.</summary>
    public static int Minimise(Func<double[], double[], double> objective, double[] x, int maxIterations, double tolerance)
    {
        var n = x.Length;
        var gradient = new double[n];
        var value = objective(x, gradient);
        var steps = new Queue<(double[] S, double[] Y, double Rho)>();
        var direction = new double[n];
        var alphas = new double[History];
        const double relativeTolerance = 64 * 2.220446049250313e-16; // scikit-learn passes ftol = 64·machine epsilon

        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            if (MaxAbs(gradient) <= tolerance) return iteration;

            // Two-loop recursion: direction = −H·g.
            for (var i = 0; i < n; i++) direction[i] = -gradient[i];
            var history = steps.ToArray();
            for (var h = history.Length - 1; h >= 0; h--)
            {
                alphas[h] = history[h].Rho * Dot(history[h].S, direction);
                Axpy(-alphas[h], history[h].Y, direction);
            }
            if (history.Length > 0)
            {
                var last = history[^1];
                var gamma = Dot(last.S, last.Y) / Dot(last.Y, last.Y);
                for (var i = 0; i < n; i++) direction[i] *= gamma;
            }
            for (var h = 0; h < history.Length; h++)
            {
                var beta = history[h].Rho * Dot(history[h].Y, direction);
                Axpy(alphas[h] - beta, history[h].S, direction);
            }

            var slope = Dot(gradient, direction);
            if (slope >= 0)
            {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                steps.Clear();
                for (var i = 0; i < n; i++) direction[i] = -gradient[i];
                slope = Dot(gradient, direction);
            }
            // As L-BFGS-B: the first step is scaled to unit length, later ones start at 1.
            var initial = history.Length == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(direction, direction))) : 1.0;
            var (step, newValue, newX, newGradient) = LineSearch(objective, x, value, gradient, direction, slope, initial);
            if (step == 0) return iteration + 1;

            var s = new double[n];
            var y = new double[n];
            for (var i = 0; i < n; i++) { s[i] = newX[i] - x[i]; y[i] = newGradient[i] - gradient[i]; }
            var sy = Dot(s, y);
            if (sy > 1e-10 * Dot(y, y))
            {
                if (steps.Count == History) steps.Dequeue();
                steps.Enqueue((s, y, 1.0 / sy));
            }
            var decrease = (value - newValue) / Math.Max(Math.Max(Math.Abs(value), Math.Abs(newValue)), 1.0);
            Array.Copy(newX, x, n);
            Array.Copy(newGradient, gradient, n);
            value = newValue;
            if (decrease <= relativeTolerance) return iteration + 1;
        }
        return maxIterations;
    }

    private static (double Step, double Value, double[] X, double[] Gradient) LineSearch(
        Func<double[], double[], double> objective, double[] x, double value, double[] gradient, double[] direction, double slope, double initial)
    {
        var n = x.Length;
        var trial = new double[n];
        var trialGradient = new double[n];
        double Evaluate(double step)
        {
            for (var i = 0; i < n; i++) trial[i] = x[i] + step * direction[i];
            return objective(trial, trialGradient);
        }

        double previousStep = 0, previousValue = value, previousSlope = slope;
        var step = initial;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var current = Evaluate(step);
            var currentSlope = Dot(trialGradient, direction);
            if (current > value + SufficientDecrease * step * slope || (attempt > 0 && current >= previousValue))
                return Zoom(previousStep, previousValue, previousSlope, step, current, currentSlope);
            if (Math.Abs(currentSlope) <= -Curvature * slope) return (step, current, (double[])trial.Clone(), (double[])trialGradient.Clone());
            if (currentSlope >= 0) return Zoom(step, current, currentSlope, previousStep, previousValue, previousSlope);
            previousStep = step; previousValue = current; previousSlope = currentSlope;
            step *= 2;
        }
        return (0, value, x, gradient);

        (double, double, double[], double[]) Zoom(double low, double lowValue, double lowSlope, double high, double highValue, double highSlope)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var candidate = CubicMinimum(low, lowValue, lowSlope, high, highValue, highSlope);
                var current = Evaluate(candidate);
                var currentSlope = Dot(trialGradient, direction);
                if (current > value + SufficientDecrease * candidate * slope || current >= lowValue)
                {
                    high = candidate; highValue = current; highSlope = currentSlope;
                }
                else
                {
                    if (Math.Abs(currentSlope) <= -Curvature * slope) return (candidate, current, (double[])trial.Clone(), (double[])trialGradient.Clone());
                    if (currentSlope * (high - low) >= 0) { high = low; highValue = lowValue; highSlope = lowSlope; }
                    low = candidate; lowValue = current; lowSlope = currentSlope;
                }
                if (Math.Abs(high - low) < 1e-12) break;
            }
            if (lowValue < value && low > 0)
            {
                Evaluate(low);
                return (low, lowValue, (double[])trial.Clone(), (double[])trialGradient.Clone());
            }
            return (0, value, x, gradient);
        }
    }

    // Minimiser of the cubic through two points with slopes, kept inside the safe middle of the interval.
    private static double CubicMinimum(double a, double fa, double da, double b, double fb, double db)
    {
        var d1 = da + db - 3 * (fa - fb) / (a - b);
        var radicand = d1 * d1 - da * db;
        double candidate;
        if (radicand >= 0)
        {
            var d2 = Math.Sign(b - a) * Math.Sqrt(radicand);
            candidate = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
        }
        else candidate = (a + b) / 2;
        double lo = Math.Min(a, b), hi = Math.Max(a, b), margin = 0.1 * (hi - lo);
        if (double.IsNaN(candidate) || candidate < lo + margin || candidate > hi - margin) candidate = (a + b) / 2;
        return candidate;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (var v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    private static void Axpy(double alpha, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
