using EmbedSweeps.Abstractions;

namespace EmbedSweeps.Web.Services;

/// <summary>A setting whose value differs between the compared trials, with each trial's value.</summary>
public sealed record SettingDifference(string Name, IReadOnlyList<string> Values);

public static class SettingsDiff
{
    /// <summary>The settings that differ between the given trials (by name, in order); equal settings are left out.</summary>
    public static IReadOnlyList<SettingDifference> Between(IReadOnlyList<TrialSnapshot> trials)
    {
        var settings = trials.Select(t => Leaderboard.Values(t.SettingsJson)).ToList();
        return settings.SelectMany(s => s.Keys).Distinct().Order(StringComparer.Ordinal)
            .Select(name => new SettingDifference(name, settings.Select(s => s.GetValueOrDefault(name, "—")).ToList()))
            .Where(d => d.Values.Distinct().Count() > 1)
            .ToList();
    }
}
