using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping names
/// to dtype/shape/byte range, then the raw little-endian data. Single files and sharded
/// checkpoints (<c>model.safetensors.index.json</c>) both load.
/// </summary>
public static class Safetensors
{
    public const string FileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";
    private const long MaxHeaderBytes = 100L << 20; // the reference implementation's limit

    /// <summary>True when <paramref name="directory"/> holds a single-file or sharded safetensors checkpoint.</summary>
    public static bool ExistsIn(string directory) =>
        File.Exists(Path.Combine(directory, FileName)) || File.Exists(Path.Combine(directory, IndexFileName));

    /// <summary>Loads every tensor of the checkpoint in <paramref name="directory"/> onto the CPU.</summary>
    public static Dictionary<string, Tensor> LoadDirectory(string directory)
    {
        var single = Path.Combine(directory, FileName);
        if (File.Exists(single)) return Load(single);

        var index = Path.Combine(directory, IndexFileName);
        if (!File.Exists(index))
            throw new EmbedSweepsException($"{directory}: no {FileName} or {IndexFileName}.");
        return Shards.LoadAll(index, ShardsOf(index), Load);
    }

    /// <summary>The distinct shard file names of a <c>model.safetensors.index.json</c>, in order of appearance.</summary>
    public static IReadOnlyList<string> ShardsOf(string indexPath)
    {
        try
        {
            var map = JsonFiles.ReadObject(indexPath)["weight_map"] as JsonObject
                ?? throw new EmbedSweepsException($"{indexPath}: has no \"weight_map\" object.");
            var shards = map.Select(pair => pair.Value?.GetValue<string>()
                ?? throw new EmbedSweepsException($"{indexPath}: the weight_map gives {pair.Key} no shard file.")).Distinct().ToList();
            foreach (var shard in shards)
                if (shard.Contains('/') || shard.Contains('\\') || shard.StartsWith('.'))
                    throw new EmbedSweepsException($"{indexPath}: shard name \"{shard}\" must be a plain file name.");
            return shards;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new EmbedSweepsException($"{indexPath}: not a valid safetensors index ({e.Message}).", e);
        }
    }

    public static Dictionary<string, Tensor> Load(string path)
    {
        using var file = File.OpenRead(path);
        var length = file.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || file.Read(prefix) != 8) throw Corrupt(path, "shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(prefix);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
            throw Corrupt(path, $"header length {headerLength} does not fit the file ({length} bytes)");

        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        var header = JsonFiles.Parse(headerBytes, path) as JsonObject ?? throw Corrupt(path, "header is not a JSON object");

        var dataStart = 8 + headerLength;
        var entries = header.Where(pair => pair.Key != "__metadata__").Select(pair => ReadEntry(pair.Key, pair.Value, path)).ToList();
        // The reference implementation's rule: the byte ranges tile the data section exactly, no gaps, no overlaps.
        long expectedBegin = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != expectedBegin)
                throw Corrupt(path, entry.Begin < expectedBegin
                    ? $"tensor {entry.Name}'s bytes {entry.Begin}..{entry.End} overlap another tensor's"
                    : $"the bytes {expectedBegin}..{entry.Begin} before tensor {entry.Name} belong to no tensor");
            expectedBegin = entry.End;
        }
        if (dataStart + expectedBegin != length)
            throw Corrupt(path, $"its tensors need {expectedBegin} data bytes but the file has {length - dataStart}");

        var tensors = new Dictionary<string, Tensor>();
        foreach (var entry in entries)
        {
            var tensor = empty(entry.Shape, entry.Dtype);
            if (entry.End > entry.Begin)
            {
                var bytes = tensor.bytes;
                RandomAccess.Read(file.SafeFileHandle, bytes, dataStart + entry.Begin);
                tensor.bytes = bytes;
            }
            tensors[entry.Name] = tensor;
        }
        return tensors;
    }

    private sealed record Entry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End);

    private static Entry ReadEntry(string name, JsonNode? node, string path)
    {
        try
        {
            var entry = node as JsonObject ?? throw Corrupt(path, $"entry {name} is not an object");
            var dtypeName = entry["dtype"]?.GetValue<string>();
            var dtype = ParseDtype(dtypeName, path, name);
            var shape = (entry["shape"] as JsonArray ?? throw Corrupt(path, $"entry {name} has no shape"))
                .Select(d => d?.GetValue<long>() ?? -1).ToArray();
            if (shape.Any(d => d < 0)) throw Corrupt(path, $"tensor {name} has a negative or missing dimension in its shape");
            var offsets = entry["data_offsets"] as JsonArray ?? throw Corrupt(path, $"entry {name} has no data_offsets");
            if (offsets.Count != 2) throw Corrupt(path, $"tensor {name}'s data_offsets must be [begin, end]");
            var begin = offsets[0]?.GetValue<long>() ?? -1;
            var end = offsets[1]?.GetValue<long>() ?? -1;
            var elements = shape.Aggregate(1L, (a, b) => checked(a * b));
            var expected = checked(elements * ElementSize(dtype));
            if (begin < 0 || end < begin || end - begin != expected)
                throw Corrupt(path, $"tensor {name} [{string.Join(", ", shape)}] {dtypeName} needs {expected} bytes but its range is {begin}..{end}");
            return new Entry(name, dtype, shape, begin, end);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw Corrupt(path, $"entry {name} has a value of the wrong type or size ({e.Message})");
        }
    }

    /// <summary>Writes <paramref name="tensors"/> (sorted by name) with <c>{"format": "pt"}</c> metadata, as transformers expects.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var size = tensor.numel() * ElementSize(tensor.dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.dtype),
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8; // the data section starts 8-byte aligned
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);

        using var file = File.Create(path);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, padded);
        file.Write(prefix);
        file.Write(headerBytes);
        foreach (var (_, tensor) in ordered)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            file.Write(cpu.bytes);
        }
    }

    private static ScalarType ParseDtype(string? name, string path, string tensor) => name switch
    {
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw Corrupt(path, $"tensor {tensor} has unsupported dtype {name ?? "(none)"}"),
    };

    private static string DtypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no dtype for {type}"),
    };

    private static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static EmbedSweepsException Corrupt(string path, string what) =>
        new($"{path}: not a valid safetensors file: {what}.");
}
