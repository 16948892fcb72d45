using EmbedSweeps.Embeddings.Models;

namespace EmbedSweeps.Embeddings.Tests;

/// <summary>A fresh <see cref="TinyBert"/> (2 layers, 32 wide, the real MiniLM vocabulary) in a temporary folder: fast enough to train in tests.</summary>
internal static class TinyModel
{
    public static string Create(int seed = 1)
    {
        var directory = SharedFiles.NewTemporaryDirectory();
        TinyBert.Create(directory, SharedFiles.MiniLm, seed);
        return directory;
    }
}
