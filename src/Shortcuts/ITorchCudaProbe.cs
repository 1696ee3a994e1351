using TorchSharp;

namespace LlamaJump.Shortcuts;

/// <summary>What <see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice, ITorchCudaProbe)"/> needs to know about
/// CUDA, so that the choice between the CPU and CUDA can be tested without a GPU. <see cref="TorchCudaProbe"/> asks
/// TorchSharp.</summary>
public interface ITorchCudaProbe
{
    /// <summary>Whether this build references the CUDA libtorch (built with <c>LLAMAJUMP_TORCH=cuda ./build.sh</c>,
    /// <c>-p:TorchBackend=cuda</c>) rather than the CPU one.</summary>
    bool BuildHasCuda { get; }

    /// <summary>Whether TorchSharp's CUDA backend loads in this process (the CUDA libtorch and an NVIDIA driver).</summary>
    bool CudaBackendLoads { get; }

    /// <summary>CUDA devices this process sees (CUDA_VISIBLE_DEVICES applies); 0 when the backend does not load.</summary>
    int CudaDevices { get; }
}

/// <summary>The real probe: loads TorchSharp (<see cref="TorchRuntime.EnsureLoadable"/>, which throws
/// <see cref="InvalidOperationException"/> when it cannot) and asks it about CUDA. Answers are not cached: each
/// property asks again.</summary>
public sealed class TorchCudaProbe : ITorchCudaProbe
{
    public static TorchCudaProbe Instance { get; } = new();

    private TorchCudaProbe()
    {
    }

    public bool BuildHasCuda => string.Equals(TorchRuntime.BuildBackend, TorchRuntime.Cuda, StringComparison.Ordinal);

    public bool CudaBackendLoads
    {
        get
        {
            TorchRuntime.EnsureLoadable();
            return torch.TryInitializeDeviceType(DeviceType.CUDA);
        }
    }

    public int CudaDevices => CudaBackendLoads ? torch.cuda.device_count() : 0;
}
