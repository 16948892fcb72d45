using System.Collections;
using Microsoft.Extensions.Configuration;

namespace EmbedSweeps.Client;

/// <summary>
/// Where every setting of a process enters, once: environment variables named <c>EMBEDSWEEPS__SECTION__KEY</c> (ASP.NET Core's
/// convention, <c>__</c> for <c>:</c>; <c>EMBEDSWEEPS__STORAGE__PREFIX</c> is <c>Storage:Prefix</c>), and the four
/// single-underscore names of earlier versions (<see cref="Aliases"/>). Programs read it at start and pass what they bind from
/// it down; tests build one from their own variables instead of changing the process's environment.
/// </summary>
public static class EmbedSweepsConfiguration
{
    public const string Prefix = "EMBEDSWEEPS__";

    /// <summary>Single-underscore variables kept working, and the key each is read as.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["EMBEDSWEEPS_HOME"] = "Home",
        ["EMBEDSWEEPS_DEBUG"] = "Debug",
        ["EMBEDSWEEPS_WORKER"] = "Trainer:Worker",
        ["EMBEDSWEEPS_WEB"] = "Serve:App",
    };

    /// <summary>This process's environment variables, read now.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);

    /// <summary>The configuration that <paramref name="variables"/> (named as in the environment) describe; other variables are ignored.</summary>
    public static IConfiguration FromVariables(IReadOnlyDictionary<string, string> variables)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        // Aliases first: the section-style name wins when both are set.
        foreach (var (variable, key) in Aliases)
            if (variables.TryGetValue(variable, out var value)) settings[key] = value;
        foreach (var (variable, value) in variables)
            if (variable.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                settings[variable[Prefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>The environment variable that sets <paramref name="key"/>, for messages: <c>Storage:Prefix</c> → <c>EMBEDSWEEPS__STORAGE__PREFIX</c>.</summary>
    public static string VariableOf(string key) => Prefix + key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The value of <paramref name="key"/>, or null when it is unset or empty (an empty variable means "not set", as in a shell).</summary>
    public static string? Text(this IConfiguration configuration, string key) => configuration[key] is { Length: > 0 } value ? value : null;

    /// <summary>The whole number at <paramref name="key"/>, or null when unset.</summary>
    /// <exception cref="SettingException">It is set and not a whole number at least <paramref name="minimum"/>.</exception>
    public static int? WholeNumber(this IConfiguration configuration, string key, int minimum)
    {
        if (configuration.Text(key) is not { } text) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new SettingException($"{VariableOf(key)}={text}: give a whole number, {minimum} or more.");
    }

    /// <summary>True when <paramref name="key"/> is <c>true</c> (any case); false when unset or anything else.</summary>
    public static bool Flag(this IConfiguration configuration, string key) =>
        string.Equals(configuration.Text(key), "true", StringComparison.OrdinalIgnoreCase);
}
