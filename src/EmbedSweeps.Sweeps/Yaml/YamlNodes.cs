namespace EmbedSweeps.Sweeps.Yaml;

/// <summary>A position in the file (1-based line and column).</summary>
public readonly record struct Mark(int Line, int Column);

/// <summary>A YAML node that remembers where it came from, so every error can point at it.</summary>
public abstract record YamlNode(Mark Mark)
{
    public abstract string Kind { get; }
}

public sealed record YamlScalar(Mark Mark, string Value, bool Quoted) : YamlNode(Mark)
{
    public override string Kind => "a scalar";
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed record YamlSequence(Mark Mark, IReadOnlyList<YamlNode> Items) : YamlNode(Mark)
{
    public override string Kind => "a list";
}

public sealed record YamlMapping(Mark Mark, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries) : YamlNode(Mark)
{
    public override string Kind => "a mapping";

    public YamlNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}
