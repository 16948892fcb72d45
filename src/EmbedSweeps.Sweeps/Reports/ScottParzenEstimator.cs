using MathNet.Numerics;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Reports;

/// <summary>
/// PED-ANOVA's one-dimensional density of a parameter's values over a grid: a numeric parameter's range cut into at most
/// 50 cells (its log range for log_uniform; one cell per integer for int_uniform, up to 50), a categorical one's choices.
/// A mixture of one kernel per occupied cell, weighted by how many trials fell in it, plus a prior kernel of weight 1
/// (uniform for choices; a normal as wide as the grid for numbers). Numeric kernels are normals discretised to the cells
/// and truncated to the grid, their width from Scott's rule (Scott 1992, with the interquartile range), at least
/// 0.5 / 1.64 cells. Follows Optuna's <c>optuna/importance/_ped_anova/scott_parzen_estimator.py</c> line by line.
/// </summary>
internal sealed class ScottParzenEstimator
{
    private const int GridSteps = 50;
    private const double PriorWeight = 1.0;
    private readonly double[] density;

    private ScottParzenEstimator(double[] density) => this.density = density;

    /// <summary>The number of grid cells: the densities' length.</summary>
    public int Size => density.Length;

    /// <summary>The probability of grid cell <paramref name="cell"/> (they add up to 1).</summary>
    public double Pdf(int cell) => density[cell];

    /// <summary>The estimator of <paramref name="values"/> (the parameter's values in some trials) on the parameter's grid.</summary>
    public static ScottParzenEstimator Build(ParameterSpace parameter, IReadOnlyList<object> values)
    {
        var counts = parameter switch
        {
            CategoricalParameter categorical => CountChoices(categorical, values),
            DistributionParameter distribution => CountCells(distribution, values),
            _ => throw new ArgumentException($"{parameter.Name} is not swept.", nameof(parameter)),
        };
        var occupied = Enumerable.Range(0, counts.Length).Where(i => counts[i] > 0).ToArray();
        var weights = occupied.Select(i => (double)counts[i]).Append(PriorWeight).ToArray();
        var total = weights.Sum();
        for (var k = 0; k < weights.Length; k++) weights[k] /= total;
        return new ScottParzenEstimator(parameter is CategoricalParameter
            ? CategoricalMixture(occupied, weights, counts.Length)
            : NumericMixture(occupied, occupied.Select(i => counts[i]).ToArray(), weights, counts.Length));
    }

    private static int[] CountChoices(CategoricalParameter parameter, IReadOnlyList<object> values)
    {
        var counts = new int[parameter.Values.Count];
        foreach (var value in values)
        {
            var index = Enumerable.Range(0, parameter.Values.Count).FirstOrDefault(i => ParameterValues.Same(parameter.Values[i], value), -1);
            if (index < 0) throw new ArgumentException($"{parameter.Name}: {value} is not one of its values.", nameof(values));
            counts[index]++;
        }
        return counts;
    }

    private static int[] CountCells(DistributionParameter parameter, IReadOnlyList<object> values)
    {
        var (low, high) = ParameterValues.Bounds(parameter);
        var log = parameter.Kind == DistributionKind.LogUniform;
        var steps = parameter.Kind == DistributionKind.IntUniform ? Math.Min((int)Math.Round(high - low) + 1, GridSteps) : GridSteps;
        if (log) (low, high) = (Math.Log(low), Math.Log(high));
        var cell = (high - low) / (steps - 1);
        var counts = new int[steps];
        foreach (var value in values)
        {
            var x = ParameterValues.Number(value);
            if (log) x = Math.Log(x);
            // Optuna: ceil(offset - 0.5), so a value midway between two cells goes to the lower one.
            counts[(int)Math.Clamp(Math.Ceiling((x - low) / cell - 0.5), 0, steps - 1)]++;
        }
        return counts;
    }

    // Kernel k puts (prior/kernels) on every choice and 1 more on its own; the prior kernel is uniform.
    private static double[] CategoricalMixture(int[] occupied, double[] weights, int choices)
    {
        var kernels = occupied.Length + 1;
        var density = new double[choices];
        for (var k = 0; k < kernels; k++)
        {
            var row = Enumerable.Repeat(PriorWeight / kernels, choices).ToArray();
            if (k < occupied.Length) row[occupied[k]] += 1;
            var sum = row.Sum();
            for (var c = 0; c < choices; c++) density[c] += weights[k] * row[c] / sum;
        }
        return density;
    }

    private static double[] NumericMixture(int[] occupied, int[] counts, double[] weights, int cells)
    {
        var (low, high) = (0.0, cells - 1.0);
        var totalCount = counts.Sum();
        var mean = occupied.Zip(counts, (x, w) => (double)x * w).Sum() / totalCount;
        var sigma = Math.Sqrt(occupied.Zip(counts, (x, w) => (x - mean) * (x - mean) * w).Sum() / Math.Max(1, totalCount - 1));
        // The cells holding the lower and upper quartile (numpy.searchsorted on the cumulative counts, integer division as in Optuna).
        var cumulative = new int[counts.Length];
        for (int i = 0, running = 0; i < counts.Length; i++) cumulative[i] = running += counts[i];
        var q1 = FirstIndex(cumulative, c => c >= totalCount / 4);
        var q3 = FirstIndex(cumulative, c => c > totalCount * 3 / 4);
        var iqr = occupied[Math.Min(occupied.Length - 1, q3)] - occupied[q1];
        sigma = 1.059 * Math.Min(iqr / 1.34, sigma) * Math.Pow(totalCount, -0.2);
        var width = Math.Max(sigma, 0.5 / 1.64); // so that 90 % of a kernel stays within about one cell
        var mus = occupied.Select(o => (double)o).Append((low + high) / 2).ToArray();
        var sigmas = occupied.Select(_ => width).Append(high - low + 1).ToArray();

        var density = new double[cells];
        for (var k = 0; k < mus.Length; k++)
        {
            // A normal discretised to unit cells and truncated to [low − ½, high + ½].
            var inside = GaussMass((low - 0.5 - mus[k]) / sigmas[k], (high + 0.5 - mus[k]) / sigmas[k]);
            for (var x = 0; x < cells; x++)
                density[x] += weights[k] * GaussMass((x - 0.5 - mus[k]) / sigmas[k], (x + 0.5 - mus[k]) / sigmas[k]) / inside;
        }
        return density;
    }

    private static int FirstIndex(int[] sorted, Func<int, bool> predicate)
    {
        var index = Array.FindIndex(sorted, c => predicate(c));
        return index < 0 ? sorted.Length : index;
    }

    /// <summary>P(a &lt; Z &lt; b) for a standard normal Z, from the tail on the side of the interval, so that far tails keep their precision.</summary>
    internal static double GaussMass(double a, double b) => a > 0
        ? (SpecialFunctions.Erfc(a / Math.Sqrt(2)) - SpecialFunctions.Erfc(b / Math.Sqrt(2))) / 2
        : b < 0
            ? (SpecialFunctions.Erfc(-b / Math.Sqrt(2)) - SpecialFunctions.Erfc(-a / Math.Sqrt(2))) / 2
            : 1 - (SpecialFunctions.Erfc(-a / Math.Sqrt(2)) + SpecialFunctions.Erfc(b / Math.Sqrt(2))) / 2;
}
