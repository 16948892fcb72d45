using System.Text.Json.Nodes;

namespace EmbedSweeps.Embeddings.Tests;

/// <summary>Writable copies of the shared models with files changed, as users' models arrive from other library versions.</summary>
internal static class ModelCopies
{
    /// <summary>A copy of <paramref name="model"/> in a new temporary folder, without the files named in <paramref name="skip"/>.</summary>
    public static string CopyOf(string model, params string[] skip)
    {
        var target = SharedFiles.NewTemporaryDirectory();
        foreach (var file in Directory.EnumerateFiles(model, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(model, file);
            if (skip.Contains(relative)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(target, relative), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return target;
    }

    public static void WriteJson(string directory, string relative, JsonNode json)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json.ToJsonString());
    }

    public static JsonNode ReadJson(string directory, string relative) => JsonNode.Parse(File.ReadAllText(Path.Combine(directory, relative)))!;

    /// <summary>Largest absolute difference of two equally long arrays.</summary>
    public static double MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second));
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5) =>
        Assert.True(MaxAbsDifference(expected, actual) <= tolerance, $"max abs difference {MaxAbsDifference(expected, actual):g3} > {tolerance:g3}");
}
