using EmbedSweeps.Embeddings;

namespace EmbedSweeps.Cli;

/// <summary>Writes an output file via a temporary file beside it, so a failure never leaves it half-written.</summary>
internal static class AtomicFile
{
    /// <summary>Fails early, before any expensive work, when <paramref name="path"/> cannot be written.</summary>
    public static void CheckWritable(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) throw new EmbedSweepsException($"{path}: the folder {directory} does not exist.");
        if (Directory.Exists(path)) throw new EmbedSweepsException($"{path}: is a folder; give a file name.");
        var probe = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.probe");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new EmbedSweepsException($"{path}: cannot be written ({e.Message}).");
        }
    }

    public static void Write(string path, Action<Stream> write)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = File.Create(temporary)) write(stream);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            File.Delete(temporary);
            throw new EmbedSweepsException($"{path}: cannot be written ({e.Message}).");
        }
    }
}
