namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// Settings enter in one place and are passed down from there: no source file reads the process's environment except the
/// few below, each for the reason given. A new reader elsewhere fails here, to be routed through the configuration instead.
/// </summary>
public sealed class ConfigurationEntryTests
{
    private static readonly Dictionary<string, string> Readers = new()
    {
        ["src/EmbedSweeps.Client/EmbedSweepsConfiguration.cs"] = "where every EMBEDSWEEPS setting enters",
        ["src/EmbedSweeps.Client/Secrets.cs"] = "masks secret variables also in a message printed before (or because) binding failed",
        ["src/EmbedSweeps.Silo/Hosting/GpuDevices.cs"] = "CUDA_VISIBLE_DEVICES, which the container runtime sets",
        ["src/EmbedSweeps.Embeddings/Hub/EmbedSweepsSettings.cs"] = "the hub and mirror variables (HF_*), read as huggingface_hub reads them",
    };

    [Fact]
    public void OnlyTheConfigurationsEntryPointsReadTheEnvironment()
    {
        var root = TestPaths.RepositoryRoot;
        var readers = new[] { "src", "web" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(path => File.ReadAllText(path) is var text && (text.Contains("GetEnvironmentVariable", StringComparison.Ordinal) || text.Contains("SetEnvironmentVariable", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        Assert.NotEmpty(readers); // the scan finds the entry point itself
        var unexpected = readers.Where(path => !Readers.ContainsKey(path)).ToList();
        Assert.True(unexpected.Count == 0, $"these read or set the environment: {string.Join(", ", unexpected)}; bind the setting in EmbedSweepsConfiguration and pass it down");
    }
}
