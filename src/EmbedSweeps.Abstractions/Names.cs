using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace EmbedSweeps.Abstractions;

/// <summary>
/// A sweep's name: 1–63 lower-case letters, digits and '-', starting with a letter or digit — what a sweep file's
/// <c>name</c> may be (the sweep parser checks the same rule, with the file's line and column; a test keeps the two
/// equal), and safe as a storage key and in an address.
/// </summary>
public readonly partial record struct SweepName
{
    private SweepName(string value) => Value = value;

    public string Value { get; }

    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    /// <exception cref="ArgumentException">The text is not a sweep name.</exception>
    public static SweepName Parse(string name) => IsValid(name) ? new SweepName(name)
        : throw new ArgumentException($"'{Shorten(name)}' is not a sweep name (lower-case letters, digits and '-', at most 63).");

    public static bool TryParse(string? name, out SweepName result)
    {
        var valid = IsValid(name);
        result = valid ? new SweepName(name!) : default;
        return valid;
    }

    public override string ToString() => Value;

    internal static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Pattern();
}

/// <summary>
/// A trial's grain key, <c>SWEEP/TRIAL_ID</c>: a <see cref="SweepName"/> and a trial id (1–81 lower-case letters,
/// digits and '-'), nothing else — so a key cannot name anything outside its own blob or table row. Parsed and
/// written only here.
/// </summary>
public readonly partial record struct TrialKey
{
    private TrialKey(SweepName sweep, string trialId) => (Sweep, TrialId) = (sweep, trialId);

    public SweepName Sweep { get; }
    public string TrialId { get; }

    /// <exception cref="ArgumentException">The sweep name or the trial id is not valid.</exception>
    public static TrialKey Of(string sweep, string trialId) => TryParse($"{sweep}/{trialId}", out var key) ? key
        : throw new ArgumentException($"'{SweepName.Shorten(sweep)}/{SweepName.Shorten(trialId)}' is not a trial key (SWEEP/TRIAL_ID, lower-case letters, digits and '-').");

    /// <exception cref="ArgumentException">The text is not SWEEP/TRIAL_ID.</exception>
    public static TrialKey Parse(string key) => TryParse(key, out var parsed) ? parsed
        : throw new ArgumentException($"'{SweepName.Shorten(key)}' is not a trial key (SWEEP/TRIAL_ID, lower-case letters, digits and '-').");

    public static bool TryParse([NotNullWhen(true)] string? key, out TrialKey result)
    {
        result = default;
        if (key is null || key.Split('/') is not [var sweep, var trialId] || !SweepName.TryParse(sweep, out var name) || !TrialIdPattern().IsMatch(trialId))
            return false;
        result = new TrialKey(name, trialId);
        return true;
    }

    public override string ToString() => $"{Sweep}/{TrialId}";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,80}$")]
    private static partial Regex TrialIdPattern();
}

/// <summary>Grain references by the value types, so no caller writes a key by hand.</summary>
public static class GrainNames
{
    public static ITrialGrain Trial(this IGrainFactory grains, TrialKey key) => grains.GetGrain<ITrialGrain>(key.ToString());

    public static ITrialGrain Trial(this IGrainFactory grains, string sweep, string trialId) => grains.Trial(TrialKey.Of(sweep, trialId));
}
