using AwesomeAssertions;
using LlamaJump.App.Pipeline;
using LlamaJump.App.Train;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Training;
using TorchSharp;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>The torch device choice without a GPU and without loading libtorch: the names, the defaults, and
/// <see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice, ITorchCudaProbe)"/> on a fake probe that says CUDA is
/// present or absent, and why.</summary>
public sealed class TorchDeviceChoiceTests
{
    /// <summary>Says what it is told; counts the questions.</summary>
    private sealed class FakeProbe(bool buildHasCuda, bool loads, int devices) : ITorchCudaProbe
    {
        public int Questions { get; private set; }

        public bool BuildHasCuda { get { Questions++; return buildHasCuda; } }
        public bool CudaBackendLoads { get { Questions++; return loads; } }
        public int CudaDevices { get { Questions++; return devices; } }
    }

    private static FakeProbe CpuOnlyBuild() => new(buildHasCuda: false, loads: false, devices: 0);
    private static FakeProbe CudaBuildWithoutDriver() => new(buildHasCuda: true, loads: false, devices: 0);
    private static FakeProbe CudaBuildWithoutDevice() => new(buildHasCuda: true, loads: true, devices: 0);
    private static FakeProbe CudaBuildWithGpus(int devices = 1) => new(buildHasCuda: true, loads: true, devices);

    [Theory]
    [InlineData("auto", TorchDeviceChoice.Auto)]
    [InlineData("cpu", TorchDeviceChoice.Cpu)]
    [InlineData("cuda", TorchDeviceChoice.Cuda)]
    [InlineData("CUDA", TorchDeviceChoice.Cuda)]
    [InlineData(" Cpu ", TorchDeviceChoice.Cpu)]
    public void The_three_names_parse_in_any_case(string name, TorchDeviceChoice expected)
    {
        TorchDeviceChoices.Parse(name).Should().Be(expected);
        expected.Name().Should().Be(name.Trim().ToLowerInvariant());
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("gpu")]
    [InlineData("cuda:0")]
    [InlineData("")]
    public void Any_other_name_is_refused_in_one_line_that_lists_the_names(string name)
    {
        var parse = () => TorchDeviceChoices.Parse(name);

        parse.Should().Throw<ArgumentException>().Which.Message.Should().Be($"'{name}' is not a torch device (auto, cpu, cuda)");
    }

    [Fact]
    public void Every_verb_option_record_defaults_to_auto_and_the_library_to_the_cpu()
    {
        new TrainOptions("d", "o", null, 1, 2, 1e-3, 1, 1, 0.1, JumpTrainingStrategy.Batched, false, true, null).Device.Should().Be(TorchDeviceChoice.Auto);
        new PipelineOptions(["m.gguf"], "corpus.txt", "runs").Device.Should().Be(TorchDeviceChoice.Auto);
        new DemoOptions("runs").Device.Should().Be(TorchDeviceChoice.Auto);
        new JumpTrainingOptions().Device.Should().BeSameAs(TorchDevice.Cpu, "a library caller that says nothing gets the CPU, as before devices existed");
        TorchDevice.Cpu.Type.Should().Be(DeviceType.CPU);
    }

    [Fact]
    public void Auto_picks_the_cpu_when_CUDA_is_absent_and_says_why()
    {
        Resolve(TorchDeviceChoice.Auto, CpuOnlyBuild()).Should().Be("cpu (auto: no CUDA backend in this build)");
        Resolve(TorchDeviceChoice.Auto, CudaBuildWithoutDriver()).Should().Be("cpu (auto: the CUDA backend did not load)");
        Resolve(TorchDeviceChoice.Auto, CudaBuildWithoutDevice()).Should().Be("cpu (auto: no CUDA device visible)");
    }

    [Fact]
    public void Auto_picks_cuda_when_the_backend_loads_and_a_device_is_visible()
    {
        var device = TorchRuntime.ResolveDevice(TorchDeviceChoice.Auto, CudaBuildWithGpus(2));

        device.Type.Should().Be(DeviceType.CUDA);
        device.IsCpu.Should().BeFalse();
        device.ToString().Should().Be("cuda (auto: 2 CUDA devices visible)");
        Resolve(TorchDeviceChoice.Auto, CudaBuildWithGpus(1)).Should().Be("cuda (auto: 1 CUDA device visible)");
    }

    [Fact]
    public void Auto_takes_cuda_wherever_the_backend_loads_even_in_a_build_that_references_the_cpu_libtorch()
    {
        // a package consumer may reference the CUDA libtorch beside this package's CPU one: the runtime knows best
        Resolve(TorchDeviceChoice.Auto, new FakeProbe(buildHasCuda: false, loads: true, devices: 1)).Should().StartWith("cuda ");
    }

    [Fact]
    public void Cpu_is_the_cpu_without_asking_about_CUDA()
    {
        var probe = CudaBuildWithGpus();

        var device = TorchRuntime.ResolveDevice(TorchDeviceChoice.Cpu, probe);

        device.ToString().Should().Be("cpu (requested)");
        device.IsCpu.Should().BeTrue();
        probe.Questions.Should().Be(0, "choosing the CPU never initialises CUDA");
    }

    [Fact]
    public void Cuda_is_cuda_when_it_is_there()
    {
        Resolve(TorchDeviceChoice.Cuda, CudaBuildWithGpus()).Should().Be("cuda (requested)");
    }

    [Fact]
    public void Cuda_in_a_cpu_only_build_says_so_and_how_to_build_with_cuda_in_one_line()
    {
        string message = Refusal(CpuOnlyBuild());

        message.Should().StartWith("CUDA was requested, but this build of LlamaJump is CPU-only")
            .And.Contain("LLAMAJUMP_TORCH=cuda ./build.sh").And.Contain("libtorch-cuda-12.8-linux-x64").And.Contain("use the cpu device")
            .And.NotContain("\n");
    }

    [Fact]
    public void Cuda_in_a_cuda_build_without_a_visible_device_says_that_instead()
    {
        string noDevice = Refusal(CudaBuildWithoutDevice());
        string noDriver = Refusal(CudaBuildWithoutDriver());

        noDevice.Should().StartWith("CUDA was requested, but no CUDA device is visible").And.Contain("CUDA_VISIBLE_DEVICES")
            .And.NotContain("CPU-only").And.NotContain("LLAMAJUMP_TORCH").And.NotContain("\n");
        noDriver.Should().StartWith("CUDA was requested, but the CUDA backend of this build").And.Contain("did not load").And.Contain("nvidia-smi")
            .And.NotContain("CPU-only").And.NotContain("\n");
    }

    [Fact]
    public void DescribeDevice_reports_what_was_found_and_what_the_choice_becomes()
    {
        var auto = TorchRuntime.DescribeDevice(TorchDeviceChoice.Auto, CpuOnlyBuild());
        auto.Build.Should().Be("cpu");
        auto.CudaBackendLoads.Should().BeFalse();
        auto.Device!.ToString().Should().Be("cpu (auto: no CUDA backend in this build)");
        auto.Refusal.Should().BeNull();
        auto.Summary.Should().Be("cpu libtorch; CUDA backend not loaded; auto → cpu (auto: no CUDA backend in this build)");

        var refused = TorchRuntime.DescribeDevice(TorchDeviceChoice.Cuda, CpuOnlyBuild());
        refused.Device.Should().BeNull();
        refused.Refusal.Should().Be(Refusal(CpuOnlyBuild()));
        refused.Summary.Should().StartWith("cpu libtorch; CUDA backend not loaded; cuda → refused: CUDA was requested, but this build");

        TorchRuntime.DescribeDevice(TorchDeviceChoice.Auto, CudaBuildWithGpus(2)).Summary
            .Should().Be("cuda libtorch; CUDA backend loads, 2 devices visible; auto → cuda (auto: 2 CUDA devices visible)");
    }

    [Fact]
    public void A_device_names_itself_like_torch()
    {
        new TorchDevice(DeviceType.CUDA, "", 1).ToString().Should().Be("cuda:1");
        new TorchDevice(DeviceType.META, "tests").ToString().Should().Be("meta (tests)");
        TorchDevice.Cpu.ToString().Should().Be("cpu");
    }

    private static string Resolve(TorchDeviceChoice choice, ITorchCudaProbe probe) => TorchRuntime.ResolveDevice(choice, probe).ToString();

    private static string Refusal(ITorchCudaProbe probe)
    {
        var resolve = () => TorchRuntime.ResolveDevice(TorchDeviceChoice.Cuda, probe);
        return resolve.Should().Throw<TorchDeviceUnavailableException>().Which.Message;
    }
}
