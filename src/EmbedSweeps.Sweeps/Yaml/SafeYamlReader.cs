using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EmbedSweeps.Sweeps.Yaml;

/// <summary>
/// Reads one YAML document into <see cref="YamlNode"/>s with positions, refusing what a sweep file
/// never needs and an attacker might send: anchors and aliases (no "billion laughs"), documents
/// over <see cref="MaxBytes"/>, nesting deeper than <see cref="MaxDepth"/>, more than
/// <see cref="MaxNodes"/> nodes, duplicate keys and complex keys. Memory and time stay bounded.
/// </summary>
public static class SafeYamlReader
{
    public const int MaxBytes = 256 * 1024;
    public const int MaxDepth = 16;
    public const int MaxNodes = 20_000;

    public static YamlNode? Read(string text, string file, List<SweepProblem> problems)
    {
        if (text.Length > MaxBytes)
        {
            problems.Add(new SweepProblem(file, 1, 1, $"the file is {text.Length:N0} characters; sweep files are limited to {MaxBytes:N0}."));
            return null;
        }
        var parser = new Parser(new StringReader(text));
        var nodes = 0;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                problems.Add(new SweepProblem(file, 1, 1, "the file is empty; a sweep needs at least name, method, objective and parameters."));
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, 0, ref nodes, problems);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var mark = parser.Current!.Start;
                problems.Add(new SweepProblem(file, (int)mark.Line, (int)mark.Column, "a sweep file holds one YAML document; remove the extra '---'."));
            }
            return root;
        }
        catch (YamlException e)
        {
            problems.Add(new SweepProblem(file, (int)e.Start.Line, (int)e.Start.Column, $"YAML syntax error: {Describe(e)}"));
            return null;
        }
        catch (LimitExceeded e)
        {
            problems.Add(new SweepProblem(file, e.Mark.Line, e.Mark.Column, e.Message));
            return null;
        }
    }

    private static YamlNode ReadNode(IParser parser, string file, int depth, ref int nodes, List<SweepProblem> problems)
    {
        var current = parser.Current!;
        var mark = new Mark((int)current.Start.Line, (int)current.Start.Column);
        if (++nodes > MaxNodes) throw new LimitExceeded(mark, $"more than {MaxNodes:N0} YAML nodes; a sweep file is much smaller.");
        if (depth > MaxDepth) throw new LimitExceeded(mark, $"nested deeper than {MaxDepth} levels.");

        switch (current)
        {
            case AnchorAlias:
                throw new LimitExceeded(mark, "YAML aliases (*name) are not allowed in sweep files; write the value out.");
            case NodeEvent { Anchor.IsEmpty: false }:
                throw new LimitExceeded(mark, "YAML anchors (&name) are not allowed in sweep files; write the value out.");
            case Scalar scalar:
                parser.MoveNext();
                return new YamlScalar(mark, scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
            case SequenceStart:
            {
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, file, depth + 1, ref nodes, problems));
                return new YamlSequence(mark, items);
            }
            case MappingStart:
            {
                parser.MoveNext();
                var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                var seen = new Dictionary<string, Mark>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, file, depth + 1, ref nodes, problems);
                    var value = ReadNode(parser, file, depth + 1, ref nodes, problems);
                    if (keyNode is not YamlScalar key)
                    {
                        problems.Add(new SweepProblem(file, keyNode.Mark.Line, keyNode.Mark.Column, "keys must be plain names, not lists or mappings."));
                        continue;
                    }
                    if (seen.TryGetValue(key.Value, out var first))
                    {
                        problems.Add(new SweepProblem(file, key.Mark.Line, key.Mark.Column, $"duplicate key '{key.Value}' (first at line {first.Line}); keep one."));
                        continue;
                    }
                    seen[key.Value] = key.Mark;
                    entries.Add(new(key, value));
                }
                return new YamlMapping(mark, entries);
            }
            default:
                throw new LimitExceeded(mark, $"unexpected YAML event {current.GetType().Name}.");
        }
    }

    private static string Describe(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private sealed class LimitExceeded(Mark mark, string message) : Exception(message)
    {
        public Mark Mark { get; } = mark;
    }
}
