using TorchSharp;
using static TorchSharp.torch;

namespace EmbedSweeps.Embeddings;

/// <summary>Turns the <c>--device auto|cpu|cuda[:N]</c> option into a TorchSharp device.</summary>
public static class Devices
{
    public static readonly string[] Choices = ["auto", "cpu", "cuda"];

    public static Device Resolve(string name)
    {
        var lowered = name.Trim().ToLowerInvariant();
        if (lowered == "auto") return cuda.is_available() ? CUDA : CPU;
        if (lowered == "cpu") return CPU;
        if (lowered == "cuda" || lowered.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new EmbedSweepsException($"{SettingNames.Of("resources.device")} {name}: CUDA is not available here (this build uses the {BuildInfo.TorchBackend} TorchSharp backend; build with -p:TorchBackend=cuda on a machine with an NVIDIA driver, or use {SettingNames.Of("resources.device")} cpu).");
            return new Device(lowered);
        }
        throw new EmbedSweepsException($"{SettingNames.Of("resources.device")} {name}: unknown device (valid: auto, cpu, cuda, cuda:N).");
    }
}
