using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>
/// The weights of one model folder, in the order transformers looks for them: <c>model.safetensors</c>
/// (or its sharded index), then <c>pytorch_model.bin</c> (or <c>pytorch_model.bin.index.json</c>) through
/// <see cref="PyTorchCheckpoint"/>'s restricted unpickler.
/// </summary>
public static class ModelWeights
{
    public const string BinIndexFileName = "pytorch_model.bin.index.json";

    /// <summary>Every tensor of the folder's checkpoint on the CPU (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> Load(string directory)
    {
        if (Safetensors.ExistsIn(directory)) return Safetensors.LoadDirectory(directory);
        var bin = Path.Combine(directory, PyTorchCheckpoint.FileName);
        if (File.Exists(bin)) return PyTorchCheckpoint.Load(bin);
        var index = Path.Combine(directory, BinIndexFileName);
        if (File.Exists(index))
        {
            return Shards.LoadAll(index, Safetensors.ShardsOf(index), PyTorchCheckpoint.Load);
        }
        throw new EmbedSweepsException(
            $"{directory}: no weights: none of {Safetensors.FileName}, {Safetensors.IndexFileName}, {PyTorchCheckpoint.FileName}, {BinIndexFileName}.");
    }
}
