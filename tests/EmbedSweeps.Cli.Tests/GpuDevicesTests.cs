using EmbedSweeps.Silo.Hosting;

namespace EmbedSweeps.Cli.Tests;

/// <summary>Which GPUs a trainer silo trains on (<c>--gpus</c>, CUDA_VISIBLE_DEVICES).</summary>
public sealed class GpuDevicesTests
{
    [Fact]
    public void AListNamesTheDevicesInOrder()
    {
        Assert.Equal(["0", "1", "3"], GpuDevices.Resolve("0, 1,3"));
        Assert.Equal(["GPU-6f1b2c3d-aaaa-bbbb-cccc-0123456789ab"], GpuDevices.Resolve("GPU-6f1b2c3d-aaaa-bbbb-cccc-0123456789ab"));
        Assert.Empty(GpuDevices.Resolve("none"));
    }

    [Theory]
    [InlineData("0,,1")]
    [InlineData("0;1")]
    [InlineData("../0")]
    [InlineData("0,0")]
    public void AMalformedListIsRefusedWithHowToWriteIt(string list)
    {
        var error = Assert.Throws<EmbedSweeps.Client.SettingException>(() => GpuDevices.Resolve(list));
        Assert.StartsWith("--gpus:", error.Message);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("-1", 0)]
    [InlineData("NoDevFiles", 0)]
    [InlineData("2", 1)]
    [InlineData("0,1", 2)]
    public void CudaVisibleDevicesFromTheContainerRuntime(string visible, int count) =>
        Assert.Equal(count, GpuDevices.FromVisibleDevices(visible).Count);
}
