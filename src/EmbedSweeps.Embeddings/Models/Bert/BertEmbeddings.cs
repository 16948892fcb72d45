using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings.Models.Bert;

/// <summary>Word + absolute position + token type embeddings, then LayerNorm and dropout.</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    [ComponentName(Name = "LayerNorm")] private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = config.HiddenDropoutProb;
        RegisterComponents();
    }

    public Tensor WordEmbeddingWeight => word_embeddings.weight!;

    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var positions = arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        using var words = word_embeddings.forward(inputIds);
        using var types = token_type_embeddings.forward(tokenTypeIds);
        using var place = position_embeddings.forward(positions);
        using var sum = words + types + place;
        using var normed = layerNorm.forward(sum);
        return CounterDropout.Apply(normed, dropout, training);
    }
}
