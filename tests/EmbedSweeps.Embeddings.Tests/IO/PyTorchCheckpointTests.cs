using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using EmbedSweeps.Embeddings.IO;
using static EmbedSweeps.Embeddings.Tests.ModelCopies;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Tests.IO;

/// <summary>pytorch_model.bin through the restricted unpickler: real torch.save output, whole models, hostile pickles.</summary>
public sealed class PyTorchCheckpointTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void ReadsWhatTorchSaveWrote()
    {
        // Written by PyTorch itself (Fixtures/make_pytorch_checkpoint_fixture.py): tied weights, a view with a
        // storage offset, a transposed view, float16/bfloat16/int64, and the state dict's _metadata.
        var expected = JsonNode.Parse(File.ReadAllText(Fixture("pytorch_checkpoint.json")))!["tensors"]!.AsObject();
        var state = PyTorchCheckpoint.Load(Fixture("pytorch_checkpoint.bin"));
        Assert.Equal(expected.Select(p => p.Key).Order(), state.Keys.Order());
        foreach (var (name, entry) in expected)
        {
            Assert.Equal(entry!["shape"]!.AsArray().Select(d => d!.GetValue<long>()), state[name].shape);
            using var values = state[name].to_type(ScalarType.Float32).flatten();
            Assert.Equal(entry["values"]!.AsArray().Select(v => (float)v!.GetValue<double>()), values.data<float>().ToArray());
        }
        Assert.Equal(ScalarType.BFloat16, state["bf16"].dtype);
        Assert.Equal(ScalarType.Int64, state["steps"].dtype);
    }

    [Fact]
    public void AModelWithOnlyPytorchModelBinEncodesAsTheOriginal()
    {
        var directory = CopyOf(SharedFiles.MiniLm, "model.safetensors");
        var weights = Safetensors.Load(Path.Combine(SharedFiles.MiniLm, Safetensors.FileName));
        // Written by TorchSharp.PyBridge, an independent implementation of torch.save's format.
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(Path.Combine(directory, PyTorchCheckpoint.FileName),
            new System.Collections.Hashtable(weights.ToDictionary(p => (object)p.Key, p => (object?)p.Value)));

        string[] texts = ["A man is playing a guitar.", "Déjà vu"];
        using var original = SentenceEncoder.Load(SharedFiles.MiniLm);
        using var fromBin = SentenceEncoder.Load(directory);
        Assert.Equal(original.Encode(texts), fromBin.Encode(texts));
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("__builtin__", "exec")]
    [InlineData("torch.nn.modules.linear", "Linear")]
    public void AHostilePickleIsRefusedBeforeAnythingRuns(string module, string name)
    {
        var marker = Path.Combine(SharedFiles.NewTemporaryDirectory(), "pwned");
        // A protocol-0 pickle of module.name("touch MARKER"): what `torch.load(weights_only=False)` would execute.
        var pickle = $"c{module}\n{name}\n(S'touch {marker}'\ntR.";
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), PyTorchCheckpoint.FileName);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("archive/data.pkl").Open())
            entry.Write(Encoding.ASCII.GetBytes(pickle));

        var error = Assert.Throws<EmbedSweepsException>(() => PyTorchCheckpoint.Load(path));
        Assert.Contains($"{module}.{name}", error.Message);
        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void AStackGlobalOfProtocolFourIsRefusedToo()
    {
        // protocol 4: SHORT_BINUNICODE "os", SHORT_BINUNICODE "system", STACK_GLOBAL, then a call.
        byte[] pickle = [0x80, 0x04, 0x8c, 2, .. "os"u8, 0x8c, 6, .. "system"u8, 0x93, 0x8c, 4, .. "true"u8, 0x85, (byte)'R', (byte)'.'];
        var error = Assert.Throws<EmbedSweepsException>(() => PyTorchCheckpoint.Load(ZipWithPickle(pickle)));
        Assert.Contains("os.system", error.Message);
    }

    public static TheoryData<string, string> MalformedPickles => new()
    {
        // _rebuild_parameter() with no arguments
        { "ctorch._utils\n_rebuild_parameter\n)R.", "parameter" },
        // REDUCE whose arguments are None
        { "ccollections\nOrderedDict\nNR.", "tuple" },
        // a text integer that is not one
        { "I12x\n.", "malformed" },
        // a view of 4 floats over a storage of 2: (storage, offset 0, size (4,), stride (1,))
        { "}(X\u0001\u0000\u0000\u0000wctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0002tQK\u0000K\u0004\u0085K\u0001\u0085\u0089ccollections\nOrderedDict\n)RtRu.", "past the end" },
        // a stack with nothing on it
        { "R.", "stack" },
    };

    [Theory]
    [MemberData(nameof(MalformedPickles))]
    public void AMalformedPickleIsOneSentenceNamingTheFile(string pickle, string detail)
    {
        var path = ZipWithPickle(Encoding.Latin1.GetBytes(pickle), storage: new byte[8]);
        var error = Assert.Throws<EmbedSweepsException>(() => PyTorchCheckpoint.Load(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(detail, error.Message);
    }

    private static string ZipWithPickle(byte[] pickle, byte[]? storage = null)
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), PyTorchCheckpoint.FileName);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var entry = zip.CreateEntry("archive/data.pkl").Open()) entry.Write(pickle);
        if (storage is not null)
            using (var entry = zip.CreateEntry("archive/data/0").Open()) entry.Write(storage);
        return path;
    }

    [Fact]
    public void ThePrePyTorch16FormatIsRefusedWithHowToConvert()
    {
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), PyTorchCheckpoint.FileName);
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        var error = Assert.Throws<EmbedSweepsException>(() => PyTorchCheckpoint.Load(path));
        Assert.Contains("before 1.6", error.Message);
        Assert.Contains("safetensors", error.Message);
    }

    [Fact]
    public void AStorageShorterThanItsRecordIsRefused()
    {
        // The real fixture with its 12-element weight storage cut to two elements.
        var path = Path.Combine(SharedFiles.NewTemporaryDirectory(), PyTorchCheckpoint.FileName);
        File.Copy(Fixture("pytorch_checkpoint.bin"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("pytorch_checkpoint/data/0")!.Delete();
            using var entry = zip.CreateEntry("pytorch_checkpoint/data/0").Open();
            entry.Write(new byte[8]);
        }
        var error = Assert.Throws<EmbedSweepsException>(() => PyTorchCheckpoint.Load(path));
        Assert.Contains(path, error.Message);
    }
}
