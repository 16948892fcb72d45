using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace EmbedSweeps.Embeddings.IO;

/// <summary>NumPy's <c>.npy</c> format (version 1.0) for little-endian float32 matrices.</summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a C-ordered float32 array of shape [rows, columns].</summary>
    public static void WriteFloat32(Stream stream, ReadOnlySpan<float> data, int rows, int columns)
    {
        if ((long)rows * columns != data.Length) throw new ArgumentException($"{data.Length} values do not make a [{rows}, {columns}] matrix.");
        var dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
        var total = (10 + dictionary.Length + 1 + 63) / 64 * 64;
        var header = dictionary.PadRight(total - 10 - 1) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    /// <summary>Reads a little-endian float32 C-ordered array; returns its data and shape.</summary>
    public static (float[] Data, int[] Shape) ReadFloat32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic)) throw new EmbedSweepsException($"{path}: not a .npy file.");
        int headerLength, offset;
        if (bytes[6] == 1) { headerLength = BitConverter.ToUInt16(bytes, 8); offset = 10; }
        else { headerLength = (int)BitConverter.ToUInt32(bytes, 8); offset = 12; }
        var header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new EmbedSweepsException($"{path}: only little-endian float32 C-ordered arrays are supported (header {header.Trim()}).");
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var data = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + headerLength)).ToArray();
        return (data, shape);
    }

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
