using System.Reflection;
using System.Xml.Linq;
using EmbedSweeps.Client;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Grains;
using EmbedSweeps.Sweeps.Definition;
using EmbedSweeps.Testing;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// ARCHITECTURE.md's "never" list, checked twice: in the project files (every project and package a project depends
/// on, directly or through another of ours) and in the compiled assemblies (what their code actually references).
/// </summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string, string[]> Forbidden => new()
    {
        { "src/EmbedSweeps.Embeddings/EmbedSweeps.Embeddings.csproj", ["EmbedSweeps.Sweeps", "EmbedSweeps.Abstractions", "Microsoft.Orleans"] },
        { "src/EmbedSweeps.Sweeps/EmbedSweeps.Sweeps.csproj", ["EmbedSweeps.Embeddings", "EmbedSweeps.Abstractions", "Microsoft.Orleans", "TorchSharp", "libtorch"] },
        { "src/EmbedSweeps.Abstractions/EmbedSweeps.Abstractions.csproj", ["EmbedSweeps.", "TorchSharp", "Azure."] },
        { "src/EmbedSweeps.Client/EmbedSweeps.Client.csproj", ["EmbedSweeps.Grains", "EmbedSweeps.Silo", "EmbedSweeps.Sweeps", "EmbedSweeps.Embeddings", "Microsoft.Orleans.Server", "TorchSharp"] },
        { "src/EmbedSweeps.Grains/EmbedSweeps.Grains.csproj", ["EmbedSweeps.Embeddings", "EmbedSweeps.Silo", "EmbedSweeps.Client", "TorchSharp", "libtorch"] },
        { "web/EmbedSweeps.Web/EmbedSweeps.Web.csproj", ["EmbedSweeps.Grains", "EmbedSweeps.Silo", "EmbedSweeps.Sweeps", "EmbedSweeps.Embeddings", "Microsoft.Orleans.Server", "TorchSharp"] },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void NoProjectDependsOnWhatItMustNot(string project, string[] forbidden)
    {
        var dependencies = Dependencies(Path.Combine(TestPaths.RepositoryRoot, project), []);

        var broken = dependencies.Where(d => forbidden.Any(f => d.StartsWith(f, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(broken.Count == 0, $"{project} depends on {string.Join(", ", broken)} (ARCHITECTURE.md: never)");
    }

    [Fact]
    public void TheWebReferencesOnlyAbstractionsAndTheClientOfOurs()
    {
        var ours = Dependencies(Path.Combine(TestPaths.RepositoryRoot, "web/EmbedSweeps.Web/EmbedSweeps.Web.csproj"), [])
            .Where(d => d.StartsWith("EmbedSweeps.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Equal(["EmbedSweeps.Abstractions", "EmbedSweeps.Client"], ours);
    }

    public static TheoryData<string, string[]> CompiledForbidden => new()
    {
        { typeof(SentenceEncoder).Assembly.Location, ["Orleans", "EmbedSweeps.Sweeps", "EmbedSweeps.Abstractions"] },
        { typeof(SweepParser).Assembly.Location, ["Orleans", "TorchSharp", "EmbedSweeps.Embeddings", "EmbedSweeps.Abstractions"] },
        { typeof(ExperimentGrain).Assembly.Location, ["TorchSharp", "EmbedSweeps.Embeddings", "EmbedSweeps.Silo", "EmbedSweeps.Client"] },
        { typeof(EmbedSweepsClusterOptions).Assembly.Location, ["EmbedSweeps.Grains", "EmbedSweeps.Silo", "EmbedSweeps.Sweeps", "EmbedSweeps.Embeddings", "TorchSharp"] },
    };

    [Theory]
    [MemberData(nameof(CompiledForbidden))]
    public void NoAssemblyReferencesWhatItMustNot(string assembly, string[] forbidden)
    {
        var references = Assembly.LoadFrom(assembly).GetReferencedAssemblies().Select(a => a.Name!);

        var broken = references.Where(r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal))).ToList();
        Assert.True(broken.Count == 0, $"{Path.GetFileName(assembly)} references {string.Join(", ", broken)} (ARCHITECTURE.md: never)");
    }

    // Project names and package ids a project depends on, through its project references too.
    private static HashSet<string> Dependencies(string project, HashSet<string> seen)
    {
        var document = XDocument.Load(project);
        foreach (var package in document.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value)) seen.Add(package);
        foreach (var reference in document.Descendants("ProjectReference").Select(p => p.Attribute("Include")!.Value))
        {
            var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference));
            if (seen.Add(Path.GetFileNameWithoutExtension(path))) Dependencies(path, seen);
        }
        return seen;
    }
}
