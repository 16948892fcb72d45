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
            var result = new Dictionary<string, Tensor>();
            foreach (var shard in Safetensors.ShardsOf(index))
            {
                var path = Path.Combine(directory, shard);
                if (!File.Exists(path)) throw new EmbedSweepsException($"{index}: names the shard {shard}, which is missing.");
                foreach (var (name, tensor) in PyTorchCheckpoint.Load(path)) result[name] = tensor;
            }
            return result;
        }
        throw new EmbedSweepsException(
            $"{directory}: no weights: none of {Safetensors.FileName}, {Safetensors.IndexFileName}, {PyTorchCheckpoint.FileName}, {BinIndexFileName}.");
    }
}
