using System.Reflection;

namespace EmbedSweeps.Embeddings;

/// <summary>Facts fixed when the project was built.</summary>
public static class BuildInfo
{
    /// <summary>"cpu" or "cuda": the TorchSharp backend chosen by -p:TorchBackend.</summary>
    public static string TorchBackend { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TorchBackend")?.Value ?? "cpu";
}
