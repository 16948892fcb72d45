using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32, which older libstdc++
// builds (Debian 12 ships 3.4.30) lack. The only symbol bound to that version is the marker
// std::ios_base_library_init(), which nothing calls. Marking the version requirement weak
// (VER_FLG_WEAK in .gnu.version_r) lets the dynamic loader accept the library; glibc then
// only warns about the missing version instead of refusing to load it.
public sealed class ElfWeakVersionPatch : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>ELF shared objects to patch in place (missing files are skipped).</summary>
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version requirement to mark weak, e.g. GLIBCXX_3.4.32.</summary>
    [Required] public string Version { get; set; } = "";

    /// <summary>Candidate paths of the system library that would provide it.</summary>
    [Required] public ITaskItem[] SystemLibraries { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return true;
        if (SystemProvides(Version)) return true;
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            var count = MarkWeak(path, Version);
            if (count > 0)
                Log.LogMessage(MessageImportance.Normal, $"{path}: marked {count} need(s) of {Version} weak (the system's libstdc++ lacks it).");
        }
        return !Log.HasLoggedErrors;
    }

    private bool SystemProvides(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var candidate in SystemLibraries)
        {
            var path = candidate.ItemSpec;
            if (!File.Exists(path)) continue;
            return IndexOf(File.ReadAllBytes(path), needle) >= 0;
        }
        // No libstdc++ found where we looked: leave the file as shipped.
        return true;
    }

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="version"/>; returns how many changed.</summary>
    public static int MarkWeak(string path, string version)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file.");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");

        var sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        var changed = 0;
        for (var i = 0; i < sectionCount; i++)
        {
            var header = sectionHeaders + (long)i * entrySize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;
            var offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            var link = BitConverter.ToUInt32(elf, (int)header + 0x28);
            var info = BitConverter.ToUInt32(elf, (int)header + 0x2C); // number of Verneed entries
            var strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + link * entrySize) + 0x18);

            var need = offset;
            for (var n = 0; n < info; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                var aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                    var name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == version && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        changed++;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        if (changed > 0)
        {
            // Write beside, then copy over: the original is never left half-written by a failed write.
            var temporary = path + ".patching";
            File.WriteAllBytes(temporary, elf);
            File.Copy(temporary, path, overwrite: true);
            File.Delete(temporary);
        }
        return changed;
    }

    private static string ReadString(byte[] bytes, long start)
    {
        var end = start;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)start, (int)(end - start));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        // netstandard2.0 (what MSBuild compiles inline tasks against) has no span search.
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
