using EmbedSweeps.Embeddings.Models.Bert;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>Maps checkpoint keys onto <see cref="BertModel"/> parameters, the way transformers does.</summary>
internal static class WeightNames
{
    private const string BertPrefix = "bert.";

    // Buffers that some checkpoints store but that are recomputed, not learned.
    private static readonly HashSet<string> Ignored = ["embeddings.position_ids"];

    /// <summary>
    /// Strips an optional <c>bert.</c> prefix, drops ignorable buffers and separates keys that are not
    /// BERT parameters (e.g. an MLM head). Returns the state, those extra keys, whether a pooler is
    /// present and the checkpoint's floating dtype.
    /// </summary>
    public static (Dictionary<string, Tensor> State, List<string> Unexpected, bool HasPooler, ScalarType Dtype) Normalise(
        Dictionary<string, Tensor> checkpoint)
    {
        var prefixed = checkpoint.Keys.Any(k => k.StartsWith(BertPrefix, StringComparison.Ordinal));
        var state = new Dictionary<string, Tensor>();
        var unexpected = new List<string>();
        foreach (var (key, tensor) in checkpoint)
        {
            var name = LegacyLayerNormName(prefixed && key.StartsWith(BertPrefix, StringComparison.Ordinal) ? key[BertPrefix.Length..] : key);
            if (Ignored.Contains(name)) continue;
            if (name.StartsWith("embeddings.", StringComparison.Ordinal) || name.StartsWith("encoder.", StringComparison.Ordinal)
                || name.StartsWith("pooler.", StringComparison.Ordinal))
                state[name] = tensor;
            else
                unexpected.Add(key);
        }
        var dtype = state.Values.Select(t => t.dtype).FirstOrDefault(t => t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64, ScalarType.Float32);
        return (state, unexpected, state.ContainsKey("pooler.dense.weight"), dtype);
    }

    // TensorFlow-era checkpoints (bert-base-uncased among them) name LayerNorm's parameters gamma and beta;
    // transformers renames them on load (PreTrainedModel._fix_key), and so do we.
    private static string LegacyLayerNormName(string name) =>
        name.EndsWith(".gamma", StringComparison.Ordinal) ? name[..^".gamma".Length] + ".weight"
        : name.EndsWith(".beta", StringComparison.Ordinal) ? name[..^".beta".Length] + ".bias"
        : name;

    /// <summary>Copies <paramref name="state"/> into <paramref name="model"/> (as float32); every parameter must be present with its shape.</summary>
    public static void Assign(BertModel model, Dictionary<string, Tensor> state, string source)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var missing = parameters.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new EmbedSweepsException(
                $"{source}: the weights lack {missing.Count} BERT parameter(s), e.g. {string.Join(", ", missing.Take(3))}; is this a BERT checkpoint matching config.json?");
        var extra = state.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new EmbedSweepsException(
                $"{source}: the weights have {extra.Count} tensor(s) that config.json's architecture has no place for, e.g. {string.Join(", ", extra.Take(3))} (is num_hidden_layers right?).");

        using var _ = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var tensor = state[name];
            if (!tensor.shape.SequenceEqual(parameter.shape))
                throw new EmbedSweepsException(
                    $"{source}: {name} has shape [{string.Join(", ", tensor.shape)}] but config.json implies [{string.Join(", ", parameter.shape)}].");
            using var converted = tensor.to_type(parameter.dtype);
            parameter.copy_(converted);
        }
    }
}
