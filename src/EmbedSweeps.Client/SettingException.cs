namespace EmbedSweeps.Client;

/// <summary>
/// A setting a user gave cannot be used, or what it names cannot be reached: the message names the setting (its variable or
/// option), says what is wrong and how to fix it. Programs print it as one line and exit 2 (bad input), never with a stack trace.
/// </summary>
public sealed class SettingException(string message) : ArgumentException(message);
