using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.Expansion;

/// <summary>
/// One trial's fully resolved configuration: the swept parameters plus the sweep-wide data,
/// training and evaluation settings. Its <see cref="Id"/> is a hash of that configuration, so the
/// same file always gives the same ids and changing one value changes only the trials it affects.
/// </summary>
public sealed class TrialConfig
{
    public TrialConfig(IReadOnlyDictionary<string, object> parameters, SweepDefinition sweep)
    {
        Parameters = new SortedDictionary<string, object>(parameters.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        var settings = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["data"] = sweep.Data.Train,
            ["epochs"] = (long)sweep.Training.Epochs,
            ["precision"] = sweep.Training.Precision,
            ["evaluation"] = EvaluationCatalog.SettingValue(sweep.Evaluation),
            ["hard_negatives"] = sweep.Data.HardNegatives,
        };
        if (sweep.Data.MaxSamples is { } maxSamples) settings["max_samples"] = (long)maxSamples;
        if (sweep.Training.MaxSteps is { } maxSteps) settings["max_steps"] = (long)maxSteps;
        if (sweep.Training.EvalSteps is { } evalSteps) settings["eval_steps"] = (long)evalSteps;
        if (sweep.Training.CheckpointSteps is { } checkpointSteps) settings["checkpoint_steps"] = (long)checkpointSteps;
        foreach (var (name, value) in Parameters) settings[name] = value; // a swept parameter overrides the sweep-wide setting
        // Identity covers what changes the result (TrialSettings' InTrialId); how often a worker checkpoints does not.
        var identity = settings.Where(s => TrialSettings.ByName[s.Key].InTrialId).ToDictionary(s => s.Key, s => s.Value);
        Id = "t-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(identity))))[..16];
        Settings = settings;
    }

    /// <summary>What the search varied (base_model, loss, learning_rate, …).</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>Everything a trial worker needs, sorted by name.</summary>
    public IReadOnlyDictionary<string, object> Settings { get; }

    public string Id { get; }

    /// <summary>Canonical JSON: sorted keys, integers as integers, reals in round-trip form.</summary>
    public static string Canonical(IReadOnlyDictionary<string, object> settings)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in settings.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case long integer: writer.WriteNumberValue(integer); break;
                    case double real: writer.WriteRawValue(real.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()); break;
                    case bool flag: writer.WriteBooleanValue(flag); break;
                    default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// The values of a <see cref="Canonical"/> JSON object as the sweep holds them: whole numbers long, other numbers
    /// double, true/false bool, text string. Throws JsonException on anything else.
    /// </summary>
    public static IReadOnlyDictionary<string, object> ParseCanonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            JsonValueKind.String => (object)p.Value.GetString()!,
            JsonValueKind.Number when p.Value.TryGetInt64(out var integer) && !p.Value.GetRawText().Contains('.') && !p.Value.GetRawText().Contains('e') => integer,
            JsonValueKind.Number => p.Value.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new JsonException($"{p.Name}: {p.Value.ValueKind} is not a setting value."),
        }, StringComparer.Ordinal);
    }

    public override string ToString() => $"{Id} {Canonical(Parameters)}";
}
