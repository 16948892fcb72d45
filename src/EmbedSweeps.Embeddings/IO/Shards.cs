using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>Loads the shard files an index names, one after another, freeing what was loaded when one fails.</summary>
internal static class Shards
{
    public static Dictionary<string, Tensor> LoadAll(string index, IEnumerable<string> shards, Func<string, Dictionary<string, Tensor>> load)
    {
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var shard in shards)
            {
                var path = Path.Combine(Path.GetDirectoryName(index)!, shard);
                if (!File.Exists(path)) throw new EmbedSweepsException($"{index}: names the shard {shard}, which is missing.");
                var loaded = load(path);
                if (loaded.Keys.FirstOrDefault(result.ContainsKey) is { } repeated)
                {
                    foreach (var tensor in loaded.Values) tensor.Dispose();
                    throw new EmbedSweepsException($"{index}: the tensor {repeated} is in two shards.");
                }
                foreach (var (name, tensor) in loaded) result[name] = tensor;
            }
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }
}
