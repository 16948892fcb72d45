using System.Diagnostics;
using System.Reflection;

namespace EmbedSweeps.Cli.Tests;

/// <summary>The deployment files stay valid: the Bicep compiles without warnings and names what azure.yaml deploys.</summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
public sealed class DeploymentTests
{
    private static string Bicep => typeof(DeploymentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Bicep").Value!;

    [Fact]
    public async Task TheInfrastructureCompilesWithoutWarnings()
    {
        var bicep = Bicep;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(TestPaths.RepositoryRoot, "infra") };
        foreach (var argument in new[] { "build", "main.bicep", "--stdout" }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = await process.StandardError.ReadToEndAsync();
        var template = await output;
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, diagnostics);
        Assert.Equal("", diagnostics.Trim());
        // Every service of azure.yaml has a container app tagged for it, and storage is reached without keys.
        var yaml = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "azure.yaml"));
        foreach (var service in new[] { "web", "trainer" })
        {
            Assert.Contains($"  {service}:", yaml);
            Assert.Contains($"'azd-service-name', '{service}'", template);
        }
        Assert.Contains("\"allowSharedKeyAccess\": false", template);
    }

    [Fact]
    public void TheImageRunsAsANonRootUserAndTheBuildContextLeavesOutBuildOutput()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "Dockerfile"));
        var stages = dockerfile.Select((line, index) => (line, index)).Where(l => l.line.StartsWith("FROM ", StringComparison.Ordinal) && l.line.Contains(" AS ", StringComparison.Ordinal)).ToList();
        foreach (var stage in new[] { "trainer", "web" })
        {
            var from = stages.Single(s => s.line.EndsWith($" AS {stage}", StringComparison.Ordinal)).index;
            var body = dockerfile.Skip(from + 1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
            Assert.Contains(body, l => l.StartsWith("USER ", StringComparison.Ordinal) && !l.Contains("root", StringComparison.Ordinal));
        }
        Assert.Contains("ARG TORCH_BACKEND=cpu", dockerfile);
        var ignored = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, ".dockerignore"));
        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".embedsweeps/", "node_modules/", ".git/" }) Assert.Contains(pattern, ignored);
    }
}
