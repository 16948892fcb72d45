using System.Globalization;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Reports;

/// <summary>Trial parameter values as a sweep's trials record them (long, double, bool or string), compared and read as numbers.</summary>
internal static class ParameterValues
{
    /// <summary>Equal values: numbers by value (a stored 2 equals a listed 2.0), everything else as text.</summary>
    public static bool Same(object a, object b) =>
        IsNumber(a) && IsNumber(b) ? Number(a) == Number(b) : string.Equals(Text(a), Text(b), StringComparison.Ordinal);

    public static double Number(object value) => value switch
    {
        long integer => integer,
        int integer => integer,
        double real => real,
        _ => throw new ArgumentException($"{value} is not a number.", nameof(value)),
    };

    /// <summary>The values a distribution draws: [min, max], for int_uniform the whole numbers within.</summary>
    public static (double Low, double High) Bounds(DistributionParameter parameter) => parameter.Kind == DistributionKind.IntUniform
        ? (Math.Ceiling(parameter.Min), Math.Floor(parameter.Max))
        : (parameter.Min, parameter.Max);

    private static bool IsNumber(object value) => value is long or int or double;

    private static string Text(object value) => value is bool flag ? (flag ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
