using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Data;
using EmbedSweeps.Embeddings.Losses;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// What every training command builds from a <see cref="TrainingConfig"/>: the model on its device, the
/// loss (seeded first, so SoftmaxLoss' classifier starts the same on every run) and the examples.
/// </summary>
internal sealed class TrainingSetup : IDisposable
{
    private TrainingSetup(SentenceEncoder encoder, EmbeddingLoss loss, List<TrainingExample> examples)
    {
        Encoder = encoder;
        Loss = loss;
        Examples = examples;
    }

    public SentenceEncoder Encoder { get; }
    public EmbeddingLoss Loss { get; }
    public List<TrainingExample> Examples { get; }

    public static TrainingSetup Create(TrainingConfig config, string device, IReadOnlyDictionary<string, string>? columns = null)
    {
        var encoder = CommonOptions.LoadEncoder(config.Model, device, config.MaxSeqLength);
        try
        {
            TorchSharp.torch.manual_seed(config.Seed);
            var loss = LossFactory.Create(config.Loss, new LossFactory.Options(encoder.Dimension, Scale: config.Scale,
                MiniBatchSize: config.MiniBatchSize, MatryoshkaDims: config.MatryoshkaDims, Device: encoder.Device));
            var dataPath = File.Exists(config.Data) || Directory.Exists(config.Data) ? config.Data : Runtime.Datasets.Resolve(config.Data);
            var examples = TrainingRecipes.Load(config.Data, dataPath, loss.Input,
                new TrainingRecipes.Options(config.Seed, config.MaxSamples, config.HardNegatives, columns));
            return new TrainingSetup(encoder, loss, examples);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Loss.Dispose();
        Encoder.Dispose();
    }
}
