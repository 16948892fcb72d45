using System.ComponentModel;
using System.Diagnostics;
using EmbedSweeps.Client;

namespace EmbedSweeps.Silo.Hosting;

/// <summary>
/// The GPUs a trainer silo trains on: <c>--gpus</c> (or <c>EMBEDSWEEPS__TRAINER__GPUS</c>) as <c>auto</c>,
/// <c>none</c> or a list of CUDA device ids (<c>0,1</c>). <c>auto</c> takes CUDA_VISIBLE_DEVICES when the
/// container runtime set it, else asks <c>nvidia-smi</c>, else none (a CPU trainer).
/// </summary>
public static class GpuDevices
{
    /// <param name="setting"><c>auto</c> (also when null or blank), <c>none</c> or a list of ids.</param>
    /// <param name="source">Where the setting came from, for the message: <c>--gpus</c> or its variable.</param>
    /// <exception cref="SettingException">The list is malformed or names a GPU twice.</exception>
    public static IReadOnlyList<string> Resolve(string? setting, string source = "--gpus")
    {
        var value = string.IsNullOrWhiteSpace(setting) ? "auto" : setting.Trim();
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        if (!value.Equals("auto", StringComparison.OrdinalIgnoreCase)) return Parse(value, source);
        return Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") is { } visible ? FromVisibleDevices(visible) : FromNvidiaSmi();
    }

    /// <summary>A list of device ids: indices (0,1) or GPU UUIDs, as CUDA_VISIBLE_DEVICES takes them.</summary>
    public static IReadOnlyList<string> Parse(string list, string source)
    {
        var ids = list.Split(',', StringSplitOptions.TrimEntries);
        foreach (var id in ids)
            if (id.Length == 0 || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                throw new SettingException($"{source}: '{list}' is not a list of GPU ids; give indices such as 0,1 (or GPU UUIDs), 'auto' or 'none'.");
        if (ids.Distinct().Count() != ids.Length) throw new SettingException($"{source}: '{list}' names a GPU twice.");
        return ids;
    }

    /// <summary>CUDA_VISIBLE_DEVICES as set by a container runtime; empty or -1 means no GPU.</summary>
    public static IReadOnlyList<string> FromVisibleDevices(string visible)
    {
        var trimmed = visible.Trim();
        if (trimmed.Length == 0 || trimmed == "-1" || trimmed.Equals("NoDevFiles", StringComparison.OrdinalIgnoreCase)) return [];
        // The ids the worker will see are renumbered by CUDA from 0, so pass the runtime's own ids on unchanged.
        return Parse(trimmed, "CUDA_VISIBLE_DEVICES");
    }

    private static IReadOnlyList<string> FromNvidiaSmi()
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", ["--query-gpu=index", "--format=csv,noheader"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null) return [];
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)) || process.ExitCode != 0) return [];
            return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (Win32Exception)
        {
            return []; // no nvidia-smi: no NVIDIA driver, a CPU machine
        }
    }
}
