using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EmbedSweeps.Sweeps.Yaml;

/// <summary>
/// Reads one YAML document into <see cref="YamlNode"/>s with positions, refusing what a sweep file
/// never needs and an attacker might send: anchors and aliases (no "billion laughs"), documents
/// over <see cref="MaxBytes"/>, nesting deeper than <see cref="MaxDepth"/>, more than
/// <see cref="MaxNodes"/> nodes, duplicate keys and complex keys. Memory and time stay bounded.
/// Every syntax error comes out as one <see cref="SweepProblem"/> at a line and column — also the
/// ones YamlDotNet's scanner raises as a bare <see cref="InvalidOperationException"/> (an unclosed
/// flow list followed by another key, YamlDotNet 18.1).
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
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..]; // a byte-order mark some editors write
        var walker = new Walker(new Parser(new StringReader(text)), file, problems);
        try
        {
            return walker.ReadDocument();
        }
        catch (YamlException e)
        {
            var at = new Mark((int)e.Start.Line, (int)e.Start.Column);
            problems.Add(walker.UnclosedBefore(at) ?? TabIndentation(text, file, e) ?? new SweepProblem(file, at.Line, at.Column, $"YAML syntax error: {Describe(e)}"));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException)
        {
            // The scanner failed without a position: point at an unclosed bracket when there is one, else after the last event it read.
            var at = walker.LastGood;
            problems.Add(walker.UnclosedBefore(new Mark(at.Line + 1, 1))
                ?? new SweepProblem(file, at.Line, at.Column, "YAML syntax error after this point; check quotes, brackets and indentation."));
            return null;
        }
        catch (LimitExceeded e)
        {
            problems.Add(new SweepProblem(file, e.Mark.Line, e.Mark.Column, e.Message));
            return null;
        }
    }

    // YamlDotNet places "found invalid tab as indentation" at the start of the enclosing mapping; point at the tab.
    private static SweepProblem? TabIndentation(string text, string file, YamlException e)
    {
        if (!Describe(e).Contains("tab", StringComparison.OrdinalIgnoreCase)) return null;
        var lines = text.Split('\n');
        for (var i = (int)e.Start.Line - 1; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0) return new SweepProblem(file, i + 1, tab + 1, "YAML syntax error: a tab in the indentation; YAML indents with spaces only.");
        }
        return null;
    }

    private static string Describe(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    /// <summary>One pass over the parser's events, remembering where it is for error messages.</summary>
    private sealed class Walker(IParser parser, string file, List<SweepProblem> problems)
    {
        private readonly Stack<(Mark Mark, char Bracket)> openFlows = new();
        private int nodes;

        /// <summary>The end of the last event read without error: where the reader was when it failed.</summary>
        public Mark LastGood { get; private set; } = new(1, 1);

        public YamlNode? ReadDocument()
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                problems.Add(new SweepProblem(file, 1, 1, "the file is empty; a sweep needs at least name, method, objective and parameters."));
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                var mark = parser.Current!.Start;
                problems.Add(new SweepProblem(file, (int)mark.Line, (int)mark.Column, "a sweep file holds one YAML document; remove the extra '---'."));
                return null;
            }
            return root;
        }

        /// <summary>
        /// The problem to report when a flow list or mapping opened on a line before <paramref name="at"/> is still open:
        /// the error is almost always the missing bracket, so point at the one that was opened.
        /// </summary>
        public SweepProblem? UnclosedBefore(Mark at)
        {
            if (openFlows.Count == 0) return null;
            var (mark, bracket) = openFlows.Peek();
            if (mark.Line >= at.Line) return null;
            var closing = bracket == '[' ? ']' : '}';
            return new SweepProblem(file, mark.Line, mark.Column,
                $"YAML syntax error: the '{bracket}' opened at line {mark.Line}, column {mark.Column} is not closed; add '{closing}' after its last item.");
        }

        private void Advance()
        {
            LastGood = new Mark((int)parser.Current!.End.Line, (int)parser.Current.End.Column);
            parser.MoveNext();
        }

        private YamlNode ReadNode(int depth)
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
                    Advance();
                    return new YamlScalar(mark, scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
                case SequenceStart start:
                {
                    if (start.Style == SequenceStyle.Flow) openFlows.Push((mark, '['));
                    Advance();
                    var items = new List<YamlNode>();
                    while (!parser.Accept<SequenceEnd>(out _)) items.Add(ReadNode(depth + 1));
                    Advance();
                    if (start.Style == SequenceStyle.Flow) openFlows.Pop();
                    return new YamlSequence(mark, items);
                }
                case MappingStart start:
                {
                    if (start.Style == MappingStyle.Flow) openFlows.Push((mark, '{'));
                    Advance();
                    var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                    var seen = new Dictionary<string, Mark>();
                    while (!parser.Accept<MappingEnd>(out _))
                    {
                        var keyNode = ReadNode(depth + 1);
                        var value = ReadNode(depth + 1);
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
                    Advance();
                    if (start.Style == MappingStyle.Flow) openFlows.Pop();
                    return new YamlMapping(mark, entries);
                }
                default:
                    throw new LimitExceeded(mark, $"unexpected YAML event {current.GetType().Name}.");
            }
        }
    }

    private sealed class LimitExceeded(Mark mark, string message) : Exception(message)
    {
        public Mark Mark { get; } = mark;
    }
}
