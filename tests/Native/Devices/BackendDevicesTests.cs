using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Devices;

/// <summary>The device registry as the built backend reports it, and where layers go on it.</summary>
public sealed class BackendDevicesTests
{
    [Fact]
    public void The_registry_lists_the_cpu_and_a_gpu_exactly_when_the_build_has_a_gpu_backend_and_a_device()
    {
        var devices = BackendDevices.List();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("; ", devices.Select(d => $"{d.Name} [{d.Backend}, {d.Kind}] {d.Description} {d.FreeBytes}/{d.TotalBytes}")));

        devices.Should().Contain(d => d.Kind == BackendDeviceKind.Cpu && d.Backend == "CPU");
        devices.Should().OnlyContain(d => d.Name.Length > 0);
        var compiled = BackendDevices.CompiledGpuBackends();
        bool cudaLibrary = File.Exists(Path.Combine(NativeBackend.LibraryDirectory, "libggml-cuda.so"));
        compiled.Contains("CUDA").Should().Be(cudaLibrary);
        if (compiled.Count == 0)
            BackendDevices.LocalGpus().Should().BeEmpty("a CPU-only build registers no GPU");
    }

    [Fact]
    public void Auto_offloads_nothing_without_a_device_and_all_everything_with_one()
    {
        bool any = ModelPlacement.OffloadDevices().Count > 0;
        ModelPlacement.LayerCountFor(GpuLayers.Auto).Should().Be(any ? ModelPlacement.AllLayers : 0);
        ModelPlacement.LayerCountFor(GpuLayers.All).Should().Be(any ? ModelPlacement.AllLayers : 0);
        ModelPlacement.LayerCountFor(GpuLayers.Count(0)).Should().Be(0);
        var (blocks, head, devices) = ModelPlacement.Describe(5, GpuLayers.All);
        if (any)
        {
            (blocks, head).Should().Be((5, true));
        }
        else
        {
            (blocks, head).Should().Be((0, false));
            devices.Should().Equal("CPU");
        }
        var three = () => ModelPlacement.LayerCountFor(GpuLayers.Count(3));
        if (any)
            three().Should().Be(3);
        else
            three.Should().Throw<NoGpuException>().Which.Message.Should().Be($"--gpu-layers 3: {ModelPlacement.NoDeviceReason()}");
    }
}
