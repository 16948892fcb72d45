using System.IO.Compression;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>
/// <c>pytorch_model.bin</c> as <c>torch.save(state_dict)</c> writes it since PyTorch 1.6: a zip holding
/// <c>PREFIX/data.pkl</c> (the pickled dictionary) and one <c>PREFIX/data/KEY</c> file per tensor storage.
/// The pickle is read by <see cref="RestrictedUnpickler"/> with the allow-list of
/// <c>torch.load(weights_only=True)</c> restricted further to what a state dict needs, so a hostile file can
/// name <c>os.system</c> but never run it. Views into a shared storage (tied weights) and storage offsets are
/// honoured; the pre-1.6 format is refused with the command that converts it.
/// </summary>
public static class PyTorchCheckpoint
{
    public const string FileName = "pytorch_model.bin";

    private sealed record StorageType(ScalarType Dtype, int ElementSize);

    private static readonly Dictionary<string, StorageType> StorageTypes = new()
    {
        ["FloatStorage"] = new(ScalarType.Float32, 4),
        ["DoubleStorage"] = new(ScalarType.Float64, 8),
        ["HalfStorage"] = new(ScalarType.Float16, 2),
        ["BFloat16Storage"] = new(ScalarType.BFloat16, 2),
        ["LongStorage"] = new(ScalarType.Int64, 8),
        ["IntStorage"] = new(ScalarType.Int32, 4),
        ["ShortStorage"] = new(ScalarType.Int16, 2),
        ["CharStorage"] = new(ScalarType.Int8, 1),
        ["ByteStorage"] = new(ScalarType.Byte, 1),
        ["BoolStorage"] = new(ScalarType.Bool, 1),
    };

    // data.pkl of a state dict is kilobytes to a few megabytes; a bigger one is not a checkpoint (or a zip bomb).
    private const long MaxPickleBytes = 256L << 20;

    /// <summary>The state dict in <paramref name="path"/>: tensor name → CPU tensor (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new EmbedSweepsException(
                $"{path}: not a zip archive, so it was written by PyTorch before 1.6 (or is not a checkpoint); re-save it with a current PyTorch (torch.save(torch.load(f), f)) or convert it to model.safetensors.");
        }
        var created = new List<Tensor>(); // every tensor made while reading, so a failure frees them all
        try
        {
            using (archive)
            {
                var state = Read(archive, path, created);
                foreach (var tensor in created.Where(t => !state.Values.Any(v => ReferenceEquals(v, t)))) tensor.Dispose();
                return state;
            }
        }
        catch (Exception e)
        {
            foreach (var tensor in created) tensor.Dispose();
            if (e is EmbedSweepsException) throw;
            throw new EmbedSweepsException($"{path}: not a valid PyTorch checkpoint ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    private static Dictionary<string, Tensor> Read(ZipArchive archive, string path, List<Tensor> created)
    {
        var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            ?? throw new EmbedSweepsException($"{path}: the zip has no PREFIX/data.pkl, so it is not a torch.save checkpoint.");
        if (pickle.Length > MaxPickleBytes)
            throw new EmbedSweepsException($"{path}: its pickle is {pickle.Length} bytes; a state dict's is far smaller, so this is not a checkpoint.");
        var prefix = pickle.FullName[..^"data.pkl".Length];
        var byteOrder = archive.GetEntry(prefix + "byteorder");
        if (byteOrder is not null)
        {
            using var reader = new StreamReader(byteOrder.Open());
            if (reader.ReadToEnd().Trim() != "little")
                throw new EmbedSweepsException($"{path}: stores big-endian tensors; only little-endian checkpoints load.");
        }

        var storages = new Dictionary<string, Tensor>();
        using var stream = new MemoryStream();
        using (var entry = pickle.Open()) entry.CopyTo(stream);
        stream.Position = 0;
        var root = new RestrictedUnpickler(stream, path, ResolveGlobal(path, created),
            id => LoadStorage(id, archive, prefix, storages, created, path)).Load();
        return ToStateDict(root, path);
    }

    private static Func<string, string, Func<object?[], object?>?> ResolveGlobal(string path, List<Tensor> created) => (module, name) => (module, name) switch
    {
        ("collections", "OrderedDict") => _ => new Dictionary<object, object?>(),
        ("torch._utils", "_rebuild_tensor_v2") or ("torch._utils", "_rebuild_tensor") => arguments => RebuildTensor(arguments, path, created),
        ("torch._utils", "_rebuild_parameter") or ("torch._utils", "_rebuild_parameter_with_state") => arguments =>
            arguments.Length > 0 && arguments[0] is Tensor data ? data : throw Malformed(path, "a parameter record holds no tensor"),
        ("torch", _) when StorageTypes.TryGetValue(name, out var type) => _ => type,
        _ => null,
    };

    // The persistent id torch.save writes for a storage: ("storage", torch.XStorage, key, location, numel).
    private static object LoadStorage(object? id, ZipArchive archive, string prefix, Dictionary<string, Tensor> storages, List<Tensor> created, string path)
    {
        if (id is not object?[] { Length: 5 } fields || fields[0] as string != "storage"
            || fields[1] is not RestrictedUnpickler.Callable storageClass || fields[2] is not string key || fields[4] is not long count)
            throw Malformed(path, "a tensor's storage reference is not the (\"storage\", type, key, location, size) torch.save writes");
        if (storageClass.Invoke([]) is not StorageType type) throw Malformed(path, $"{storageClass.Name} is not a storage type");
        if (storages.TryGetValue(key, out var cached)) return cached;

        var entry = archive.GetEntry($"{prefix}data/{key}")
            ?? throw new EmbedSweepsException($"{path}: the pickle names the storage {key}, which the zip does not hold.");
        if (count < 0 || count > Array.MaxLength / type.ElementSize || entry.Length != count * type.ElementSize)
            throw Malformed(path, $"storage {key} should hold {count} elements of {type.ElementSize} bytes but has {entry.Length} bytes");
        var storage = empty(count, type.Dtype);
        created.Add(storage);
        if (count > 0)
        {
            var bytes = new byte[entry.Length];
            using (var stream = entry.Open()) stream.ReadExactly(bytes);
            storage.bytes = bytes;
        }
        storages[key] = storage;
        return storage;
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None)
    private static Tensor RebuildTensor(object?[] arguments, string path, List<Tensor> created)
    {
        if (arguments.Length < 4 || arguments[0] is not Tensor storage || arguments[1] is not long offset
            || arguments[2] is not object?[] sizeItems || arguments[3] is not object?[] strideItems
            || sizeItems.Length != strideItems.Length || sizeItems.Concat(strideItems).Any(v => v is not long n || n < 0))
            throw Malformed(path, "a tensor's (storage, offset, size, stride) record is malformed");
        var size = sizeItems.Cast<long>().ToArray();
        var stride = strideItems.Cast<long>().ToArray();
        var length = storage.shape[0];
        long numel, last;
        try
        {
            numel = size.Aggregate(1L, (a, b) => checked(a * b));
            last = offset + size.Zip(stride).Aggregate(0L, (sum, p) => checked(sum + (p.First == 0 ? 0 : (p.First - 1) * p.Second)));
        }
        catch (OverflowException)
        {
            throw Malformed(path, $"a tensor of shape [{string.Join(", ", size)}] is too large");
        }
        // A view may repeat elements (stride 0) but a checkpoint's tensor is never larger than its storage.
        if (offset < 0 || numel > Math.Max(length, 1) || (numel > 0 && last >= length))
            throw Malformed(path, $"a tensor of shape [{string.Join(", ", size)}] at offset {offset} reaches past the end of its storage ({length} elements)");
        using var view = storage.as_strided(size, stride, offset);
        var tensor = view.clone(); // its own memory: tied weights must not share it after loading
        created.Add(tensor);
        return tensor;
    }

    private static EmbedSweepsException Malformed(string path, string what) => new($"{path}: not a valid PyTorch checkpoint: {what}.");

    private static Dictionary<string, Tensor> ToStateDict(object? root, string path)
    {
        if (root is not Dictionary<object, object?> dictionary)
            throw new EmbedSweepsException($"{path}: holds a {root?.GetType().Name ?? "None"}, not a state dict (a dictionary of tensors).");
        var state = new Dictionary<string, Tensor>();
        foreach (var (key, value) in dictionary)
        {
            if (key is not string name || value is not Tensor tensor)
                throw new EmbedSweepsException($"{path}: the entry {key} is not a named tensor; only state dicts of tensors load.");
            // Tied weights are one object under two names; each name gets its own handle, so each can be disposed.
            state[name] = state.Values.Any(v => ReferenceEquals(v, tensor)) ? tensor.alias() : tensor;
        }
        return state;
    }
}
