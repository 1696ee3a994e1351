using AwesomeAssertions;
using LlamaJump.Cli;
using LlamaJump.Shortcuts;
using TorchSharp;
using Xunit;

namespace LlamaJump.Tests.Native.Torch;

/// <summary>The torch device as TorchSharp reports it on this machine (the real <see cref="TorchCudaProbe"/>): the
/// CPU when CUDA is absent, a one-line refusal for an explicit cuda, and the verbs that refuse it before any work.
/// Cases for the other kind of machine skip.</summary>
public sealed class TorchDeviceTests
{
    private static bool CudaHere
    {
        get
        {
            TorchRuntime.EnsureLoadable();
            return torch.cuda.is_available();
        }
    }

    private static string AutoReasonWithoutCuda => TorchRuntime.BuildBackend == TorchRuntime.Cpu
        ? "auto: no CUDA backend in this build"
        : "auto: ";

    [Fact]
    public void The_build_records_which_libtorch_it_references()
    {
        TorchRuntime.BuildBackend.Should().BeOneOf(TorchRuntime.Cpu, TorchRuntime.Cuda);
        TorchCudaProbe.Instance.BuildHasCuda.Should().Be(TorchRuntime.BuildBackend == TorchRuntime.Cuda);
        if (TorchRuntime.BuildBackend == TorchRuntime.Cpu)
            TorchCudaProbe.Instance.CudaBackendLoads.Should().BeFalse("the CPU libtorch has no CUDA backend to load");
    }

    [Fact]
    public void Auto_picks_the_cpu_when_CUDA_is_absent()
    {
        Assert.SkipWhen(CudaHere, "CUDA is available on this machine.");

        var device = TorchRuntime.ResolveDevice(TorchDeviceChoice.Auto);

        device.IsCpu.Should().BeTrue();
        device.Reason.Should().StartWith(AutoReasonWithoutCuda);
        TorchRuntime.DescribeDevice().Summary.Should().EndWith($"auto → {device}");
    }

    [Fact]
    public void Auto_and_cuda_pick_cuda_when_it_is_there()
    {
        Assert.SkipUnless(CudaHere, "No CUDA device on this machine.");

        TorchRuntime.ResolveDevice(TorchDeviceChoice.Auto).Type.Should().Be(DeviceType.CUDA);
        TorchRuntime.ResolveDevice(TorchDeviceChoice.Cuda).ToString().Should().Be("cuda (requested)");
        torch.backends.cuda.matmul.allow_tf32.Should().BeFalse("the stated CPU–CUDA tolerance assumes full fp32 products");
    }

    [Fact]
    public void Cpu_is_the_cpu()
    {
        TorchRuntime.ResolveDevice(TorchDeviceChoice.Cpu).ToString().Should().Be("cpu (requested)");
    }

    [Fact]
    public void Cuda_without_cuda_says_why_and_how_to_build_with_cuda_in_one_line()
    {
        Assert.SkipWhen(CudaHere, "CUDA is available on this machine.");

        var resolve = () => TorchRuntime.ResolveDevice(TorchDeviceChoice.Cuda);

        string message = resolve.Should().Throw<TorchDeviceUnavailableException>().Which.Message;
        message.Should().StartWith("CUDA was requested, but ").And.NotContain("\n");
        if (TorchRuntime.BuildBackend == TorchRuntime.Cpu)
            message.Should().Contain("CPU-only").And.Contain("LLAMAJUMP_TORCH=cuda ./build.sh").And.Contain("libtorch-cuda-12.8-linux-x64");
        TorchRuntime.DescribeDevice(TorchDeviceChoice.Cuda).Refusal.Should().Be(message);
    }

    [Fact]
    public void Pipeline_and_demo_refuse_an_unavailable_cuda_once_before_any_work()
    {
        Assert.SkipWhen(CudaHere, "CUDA is available on this machine.");
        string output = Path.Combine(Path.GetTempPath(), "llamajump-device-" + Guid.NewGuid().ToString("N"));

        foreach (string[] args in new[]
                 {
                     new[] { "pipeline", "--models", TestPaths.Stories260K, "--out", output, "--device", "cuda" },
                     ["demo", "--out", output, "--device", "cuda"],
                 })
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            int code = CliApp.Run(args, stdout, stderr);

            code.Should().Be(2, stderr.ToString());
            stdout.ToString().Should().BeEmpty(args[0]);
            stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(args[0])
                .Which.Should().StartWith("llamajump: error: CUDA was requested, but ");
            Directory.Exists(output).Should().BeFalse($"{args[0]} starts nothing for a refused device");
        }
    }
}
