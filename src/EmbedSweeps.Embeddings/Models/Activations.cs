using TorchSharp;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models;

/// <summary>The <c>hidden_act</c> values of transformers' ACT2FN that BERT checkpoints use.</summary>
internal static class Activations
{
    public static Func<Tensor, Tensor> Get(string name, string source) => name switch
    {
        "gelu" => x => nn.functional.gelu(x), // exact erf GELU, as HF's "gelu"
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        _ => throw new EmbedSweepsException($"{source}: hidden_act \"{name}\" is not supported (valid: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu)."),
    };
}
