namespace EmbedSweeps.Sweeps.Definition;

/// <summary>How one trial setting varies across the sweep.</summary>
public abstract record ParameterSpace(string Name)
{
    /// <summary>
    /// When set, the parameter applies only to trials whose other parameters match (<c>when: { loss: [cosent, mnrl] }</c>);
    /// other trials leave it out, and so out of their id, instead of repeating with each of its unused values.
    /// </summary>
    public Condition? When { get; init; }
}

/// <summary>
/// A parameter's <c>when</c>: for each named parameter, the values under which it applies (all must match). It names
/// only unconditional parameters with listed values, so whether it holds is known before anything conditional is drawn.
/// </summary>
public sealed record Condition(IReadOnlyDictionary<string, IReadOnlyList<object>> Allowed)
{
    public bool Holds(IReadOnlyDictionary<string, object> values) =>
        Allowed.All(a => values.TryGetValue(a.Key, out var value) && a.Value.Any(v => Equals(v, value)));
}

/// <summary>A scalar in the file: every trial gets this value.</summary>
public sealed record FixedParameter(string Name, object Value) : ParameterSpace(Name);

/// <summary>A list in the file: a categorical choice.</summary>
public sealed record CategoricalParameter(string Name, IReadOnlyList<object> Values) : ParameterSpace(Name);

public enum DistributionKind { Uniform, LogUniform, IntUniform }

/// <summary><c>{ distribution: uniform | log_uniform | int_uniform, min, max }</c>: sampled by random and bayes search.</summary>
public sealed record DistributionParameter(string Name, DistributionKind Kind, double Min, double Max) : ParameterSpace(Name)
{
    public object Sample(Random random) => Kind switch
    {
        DistributionKind.Uniform => (object)(Min + random.NextDouble() * (Max - Min)),
        DistributionKind.LogUniform => (object)Math.Exp(Math.Log(Min) + random.NextDouble() * (Math.Log(Max) - Math.Log(Min))),
        // Boxed as a whole number, not widened to double; both bounds are included.
        _ => (object)Math.Clamp((long)Math.Floor(Min + random.NextDouble() * (Max - Min + 1)), (long)Math.Ceiling(Min), (long)Math.Floor(Max)),
    };
}
