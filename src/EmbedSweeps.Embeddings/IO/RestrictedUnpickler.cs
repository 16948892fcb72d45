using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>
/// A pickle reader that builds nothing but plain data: dictionaries, lists, tuples, strings, numbers and the
/// few objects a PyTorch state dict is made of. Like PyTorch's own <c>torch.load(weights_only=True)</c> it
/// works from an allow-list: any other global (<c>os.system</c>, <c>builtins.eval</c>, a model class) stops
/// the read with an error that names it. Nothing is ever executed — globals on the list are mapped to
/// C# functions by <paramref name="resolveGlobal"/>; persistent ids (tensor storages) go to <paramref name="persistentLoad"/>.
/// Opcodes: protocols 0–5 as <c>torch.save</c> writes them (Python's pickletools documents each).
/// </summary>
internal sealed class RestrictedUnpickler(
    Stream stream, string source,
    Func<string, string, Func<object?[], object?>?> resolveGlobal,
    Func<object?, object?> persistentLoad)
{
    /// <summary>A global the caller accepted, waiting to be called by REDUCE/NEWOBJ.</summary>
    internal sealed record Callable(string Name, Func<object?[], object?> Invoke);

    private sealed class Mark;

    private static readonly Mark MarkObject = new();
    private readonly BinaryReader reader = new(stream, Encoding.UTF8, leaveOpen: true);
    private readonly List<object?> stack = [];
    private readonly Dictionary<long, object?> memo = [];

    public object? Load()
    {
        try
        {
            while (true)
            {
                var opcode = reader.ReadByte();
                if (opcode == '.') return Pop();
                Step(opcode);
            }
        }
        catch (EndOfStreamException)
        {
            throw Corrupt("the pickle ends before its STOP opcode");
        }
        catch (InvalidCastException e)
        {
            throw Corrupt($"an opcode found the wrong kind of value on the stack ({e.Message})");
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Corrupt("an opcode needs more values than the stack holds");
        }
        catch (Exception e) when (e is FormatException or OverflowException or NullReferenceException or IndexOutOfRangeException
                                       or ArgumentException or KeyNotFoundException)
        {
            throw Corrupt($"a value is malformed ({e.Message})");
        }
    }

    private void Step(byte opcode)
    {
        switch (opcode)
        {
            case 0x80: reader.ReadByte(); break;                         // PROTO
            case 0x95: reader.ReadInt64(); break;                        // FRAME (a size hint)
            case (byte)'(': stack.Add(MarkObject); break;                // MARK
            case (byte)'}': stack.Add(new Dictionary<object, object?>()); break;
            case (byte)']': stack.Add(new List<object?>()); break;
            case (byte)')': stack.Add(Array.Empty<object?>()); break;
            case (byte)'N': stack.Add(null); break;
            case 0x88: stack.Add(true); break;
            case 0x89: stack.Add(false); break;
            case (byte)'K': stack.Add((long)reader.ReadByte()); break;   // BININT1
            case (byte)'M': stack.Add((long)reader.ReadUInt16()); break; // BININT2
            case (byte)'J': stack.Add((long)reader.ReadInt32()); break;  // BININT
            case 0x8a: stack.Add(LittleEndianInteger(reader.ReadByte())); break; // LONG1
            case 0x8b: stack.Add(LittleEndianInteger(CheckedLength(reader.ReadInt32()))); break; // LONG4
            case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(reader.ReadBytes(8))); break;
            case (byte)'I': stack.Add(ParseIntLine(ReadLine())); break;  // INT (protocol 0)
            case (byte)'L': stack.Add(long.Parse(ReadLine().TrimEnd('L'))); break;
            case (byte)'X': stack.Add(Utf8(CheckedLength(reader.ReadInt32()))); break;      // BINUNICODE
            case 0x8c: stack.Add(Utf8(reader.ReadByte())); break;                            // SHORT_BINUNICODE
            case 0x8d: stack.Add(Utf8(CheckedLength(reader.ReadInt64()))); break;            // BINUNICODE8
            case (byte)'T': stack.Add(Latin1(CheckedLength(reader.ReadInt32()))); break;    // BINSTRING
            case (byte)'U': stack.Add(Latin1(reader.ReadByte())); break;                     // SHORT_BINSTRING
            case (byte)'B': stack.Add(Bytes(CheckedLength(reader.ReadInt32()))); break;     // BINBYTES
            case (byte)'C': stack.Add(Bytes(reader.ReadByte())); break;                      // SHORT_BINBYTES
            case (byte)'q': memo[reader.ReadByte()] = Peek(); break;                         // BINPUT
            case (byte)'r': memo[reader.ReadUInt32()] = Peek(); break;                       // LONG_BINPUT
            case (byte)'p': memo[long.Parse(ReadLine())] = Peek(); break;                    // PUT
            case 0x94: memo[memo.Count] = Peek(); break;                                     // MEMOIZE
            case (byte)'h': stack.Add(Memo(reader.ReadByte())); break;                       // BINGET
            case (byte)'j': stack.Add(Memo(reader.ReadUInt32())); break;                     // LONG_BINGET
            case (byte)'g': stack.Add(Memo(long.Parse(ReadLine()))); break;                  // GET
            case (byte)'0': Pop(); break;                                                    // POP
            case (byte)'1': PopMark(); break;                                                // POP_MARK
            case (byte)'2': stack.Add(Peek()); break;                                        // DUP
            case (byte)'t': stack.Add(PopMark().ToArray()); break;                           // TUPLE
            case 0x85: stack.Add(new[] { Pop() }); break;                                    // TUPLE1
            case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }   // TUPLE2
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
            case (byte)'l': stack.Add(PopMark()); break;                                     // LIST
            case (byte)'a': { var item = Pop(); ((List<object?>)Peek()!).Add(item); break; } // APPEND
            case (byte)'e': { var items = PopMark(); ((List<object?>)Peek()!).AddRange(items); break; }
            case (byte)'d': stack.Add(ToDictionary(PopMark())); break;                       // DICT
            case (byte)'s': { var value = Pop(); var key = Pop(); SetItem(Peek(), key, value); break; }
            case (byte)'u':                                                                  // SETITEMS
            {
                var items = PopMark();
                var target = Peek();
                for (var i = 0; i + 1 < items.Count; i += 2) SetItem(target, items[i], items[i + 1]);
                break;
            }
            case (byte)'c': stack.Add(Global(ReadLine(), ReadLine())); break;                // GLOBAL
            case 0x93:                                                                       // STACK_GLOBAL
            {
                var name = Pop() as string ?? throw Corrupt("STACK_GLOBAL needs two strings");
                var module = Pop() as string ?? throw Corrupt("STACK_GLOBAL needs two strings");
                stack.Add(Global(module, name));
                break;
            }
            case (byte)'R':                                                                  // REDUCE
            case 0x81:                                                                       // NEWOBJ
            {
                var arguments = Pop() as object?[] ?? throw Corrupt("REDUCE needs a tuple of arguments");
                var callable = Pop() as Callable ?? throw Corrupt("REDUCE applied to something that is not an allowed global");
                stack.Add(callable.Invoke(arguments));
                break;
            }
            case (byte)'b': Pop(); break; // BUILD: instance state (e.g. a state dict's _metadata) is not needed
            case (byte)'Q': stack.Add(persistentLoad(Pop())); break;                         // BINPERSID
            default:
                throw Corrupt($"unsupported pickle opcode 0x{opcode:x2} at byte {stream.Position - 1}");
        }
    }

    private Callable Global(string module, string name) =>
        resolveGlobal(module, name) is { } invoke
            ? new Callable($"{module}.{name}", invoke)
            : throw new EmbedSweepsException(
                $"{source}: the pickle asks for the Python object {module}.{name}, which is not tensor data; refused, nothing from it was run or loaded (only state dicts of tensors load; convert the file to model.safetensors with the Python safetensors package if you trust it).");

    private static void SetItem(object? target, object? key, object? value)
    {
        var dictionary = (Dictionary<object, object?>)target!;
        dictionary[key ?? throw new InvalidCastException("a dictionary key is None")] = value;
    }

    private static Dictionary<object, object?> ToDictionary(List<object?> items)
    {
        var dictionary = new Dictionary<object, object?>();
        for (var i = 0; i + 1 < items.Count; i += 2) SetItem(dictionary, items[i], items[i + 1]);
        return dictionary;
    }

    private object? Pop()
    {
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        if (ReferenceEquals(value, MarkObject)) throw Corrupt("an opcode found a MARK where it needs a value");
        return value;
    }

    private object? Peek() => stack[^1];

    private List<object?> PopMark()
    {
        var index = stack.FindLastIndex(v => ReferenceEquals(v, MarkObject));
        if (index < 0) throw Corrupt("an opcode needs a MARK that is not on the stack");
        var items = stack.GetRange(index + 1, stack.Count - index - 1);
        stack.RemoveRange(index, stack.Count - index);
        return items;
    }

    private object? Memo(long key) => memo.TryGetValue(key, out var value) ? value : throw Corrupt($"memo entry {key} is read before it is written");

    private int CheckedLength(long length) =>
        length is >= 0 and <= int.MaxValue && length <= stream.Length - stream.Position
            ? (int)length
            : throw Corrupt($"a length of {length} bytes runs past the end of the pickle");

    private byte[] Bytes(int length)
    {
        var bytes = reader.ReadBytes(CheckedLength(length));
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }

    private string Utf8(int length) => Encoding.UTF8.GetString(Bytes(length));
    private string Latin1(int length) => Encoding.Latin1.GetString(Bytes(length));

    private object LittleEndianInteger(int length)
    {
        var value = new BigInteger(Bytes(length), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private static object ParseIntLine(string line) => line switch
    {
        "00" => false,
        "01" => true,
        _ => long.Parse(line),
    };

    private string ReadLine()
    {
        var builder = new StringBuilder();
        for (var b = reader.ReadByte(); b != '\n'; b = reader.ReadByte())
        {
            if (builder.Length > 4096) throw Corrupt("a text argument has no line end");
            builder.Append((char)b);
        }
        return builder.ToString();
    }

    private EmbedSweepsException Corrupt(string what) => new($"{source}: not a valid PyTorch pickle: {what}.");
}
