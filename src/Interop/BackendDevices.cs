using System.Runtime.InteropServices;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>What kind of device ggml offers: the host CPU, a local GPU (CUDA and kin, integrated ones included), a
/// device of an RPC server, or an accelerator that works beside the CPU (BLAS, AMX).</summary>
public enum BackendDeviceKind
{
    Cpu,
    Gpu,
    Rpc,
    Accelerator,
}

/// <summary>One device of ggml's registry: its name (e.g. CUDA0, RPC[127.0.0.1:50052]), description, backend
/// (CPU, CUDA, RPC…) and memory in bytes (0 where the backend does not say).</summary>
public sealed record BackendDevice(string Name, string Description, string Backend, BackendDeviceKind Kind, ulong FreeBytes, ulong TotalBytes);

/// <summary>
/// The devices the loaded native build registered with ggml's backend registry, process-wide: the CPU always, GPUs
/// where the build has a GPU backend (GGML_CUDA=1 ./build.sh) and the driver shows devices, and the devices of RPC
/// servers once <see cref="RpcServers.Connect"/> has registered them. llama.cpp offloads layers to the GPU and RPC
/// devices of this list.
/// </summary>
public static class BackendDevices
{
    /// <summary>Every registered device, in the registry's order.</summary>
    public static IReadOnlyList<BackendDevice> List()
    {
        NativeBackend.Initialize();
        var devices = new List<BackendDevice>();
        unsafe
        {
            nuint count = GgmlBackendNative.ggml_backend_dev_count();
            for (nuint i = 0; i < count; i++)
            {
                nint device = GgmlBackendNative.ggml_backend_dev_get(i);
                nuint free = 0, total = 0;
                GgmlBackendNative.ggml_backend_dev_memory(device, &free, &total);
                string backend = Text(GgmlBackendNative.ggml_backend_reg_name(GgmlBackendNative.ggml_backend_dev_backend_reg(device)));
                devices.Add(new BackendDevice(Text(GgmlBackendNative.ggml_backend_dev_name(device)),
                    Text(GgmlBackendNative.ggml_backend_dev_description(device)), backend,
                    KindOf(GgmlBackendNative.ggml_backend_dev_type(device), backend), free, total));
            }
        }
        return devices;
    }

    /// <summary>The local GPUs (RPC servers' devices not counted).</summary>
    public static IReadOnlyList<BackendDevice> LocalGpus() => List().Where(d => d.Kind == BackendDeviceKind.Gpu).ToList();

    /// <summary>The GPU backends this native build has compiled in (e.g. CUDA), whether or not a device shows: the
    /// libggml-&lt;backend&gt;.so files beside libllama (a shared build has one per backend); empty for a CPU-only build.</summary>
    public static IReadOnlyList<string> CompiledGpuBackends()
    {
        string directory = NativeBackend.LibraryDirectory;
        return GpuBackendLibraries.Where(b => File.Exists(Path.Combine(directory, $"libggml-{b}.so"))).Select(b => b.ToUpperInvariant()).ToList();
    }

    private static readonly string[] GpuBackendLibraries = ["cuda", "hip", "musa", "vulkan", "sycl", "opencl"];

    // an RPC server's device reports the type of the server's own device (a CPU server's is CPU): the backend decides
    private static BackendDeviceKind KindOf(GgmlBackendDeviceType type, string backend) => type switch
    {
        _ when backend.StartsWith("RPC", StringComparison.Ordinal) => BackendDeviceKind.Rpc,
        GgmlBackendDeviceType.Cpu => BackendDeviceKind.Cpu,
        GgmlBackendDeviceType.Gpu or GgmlBackendDeviceType.IntegratedGpu => BackendDeviceKind.Gpu,
        _ => BackendDeviceKind.Accelerator,
    };

    private static unsafe string Text(byte* utf8) => Marshal.PtrToStringUTF8((nint)utf8) ?? "";
}
