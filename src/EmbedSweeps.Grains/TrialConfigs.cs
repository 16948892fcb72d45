using System.Text.Json;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Sweeps.Expansion;

namespace EmbedSweeps.Grains;

/// <summary>Turns stored parameter JSON back into typed trial configurations (for the TPE).</summary>
internal static class TrialConfigs
{
    public static TrialConfig FromParametersJson(string json, SweepDefinition sweep)
    {
        using var document = JsonDocument.Parse(json);
        var values = new Dictionary<string, object>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var setting = TrialSettings.ByName[property.Name];
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.True or JsonValueKind.False => property.Value.GetBoolean(),
                _ when setting.Type == TrialSettings.ValueType.Integer => property.Value.GetInt64(),
                _ => property.Value.GetDouble(),
            };
        }
        return new TrialConfig(values, sweep);
    }
}
