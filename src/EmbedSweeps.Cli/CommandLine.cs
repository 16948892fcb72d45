using System.CommandLine;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Client;

namespace EmbedSweeps.Cli;

/// <summary>
/// Runs the command tree with the program's exit-code contract: 0 success, 2 bad input (one clear
/// message, no stack trace), 1 an internal error (stack trace only with EMBEDSWEEPS_DEBUG=1).
/// </summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;

    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {InPlainWords(error.Message)}");
            Console.Error.WriteLine($"Run '{Usage(parsed)} --help' for the options.");
            return BadInput;
        }
        using var interrupts = Interrupts.Install(worker: parsed.CommandResult.Command.Name == "trial-worker");
        // Our own signal handling (Interrupts), not System.CommandLine's: it would end the process 2 s after Ctrl-C,
        // before a hosted silo has stopped its workers.
        return parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupts.Token).GetAwaiter().GetResult();
    }

    // System.CommandLine names the .NET type it wanted ("as expected type 'System.Int32'"); say it in words.
    internal static string InPlainWords(string message) => message
        .Replace("as expected type 'System.Int32'", "as a whole number", StringComparison.Ordinal)
        .Replace("as expected type 'System.Nullable`1[System.Int32]'", "as a whole number", StringComparison.Ordinal)
        .Replace("as expected type 'System.Int64'", "as a whole number", StringComparison.Ordinal)
        .Replace("as expected type 'System.Double'", "as a number (e.g. 0.1 or 2e-5)", StringComparison.Ordinal)
        .Replace("as expected type 'System.Nullable`1[System.Double]'", "as a number (e.g. 0.1 or 2e-5)", StringComparison.Ordinal)
        .Replace("as expected type 'System.Boolean'", "as true or false", StringComparison.Ordinal);

    /// <summary>Wraps a command body so that user-fixable problems print one sentence and exit 2.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, Task<int>> body) =>
        async (result, cancellationToken) =>
        {
            try
            {
                return await body(result, cancellationToken);
            }
            catch (Exception e) when (e is EmbedSweepsException or SettingException)
            {
                Console.Error.WriteLine($"error: {Secrets.Redact(e.Message)}");
                return BadInput;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("cancelled.");
                return Interrupts.ExitCode;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"internal error: {e.GetType().Name}: {Secrets.Redact(e.Message)}");
                if (result.Configuration().Text("Debug") is "1" or "true") Console.Error.WriteLine(Secrets.Redact(e.ToString()));
                else Console.Error.WriteLine("Set EMBEDSWEEPS_DEBUG=1 for the stack trace, and please report it.");
                return InternalError;
            }
        };

    private static string Usage(ParseResult parsed)
    {
        var names = new List<string>();
        for (var command = parsed.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, command.Command.Name);
        if (names.Count > 0) names[0] = "embedsweeps";
        return string.Join(' ', names);
    }
}
