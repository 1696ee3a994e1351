using System.Runtime.InteropServices;

namespace LlamaJump.Interop.Native;

// Mirrors the device registry part of ggml/include/ggml-backend.h (libggml, which libllama.so loads as a dependency;
// the name resolves to that same file through NativeBackend, and its dependency libggml-base provides the per-device
// getters). Devices are opaque pointers owned by ggml's registry for the life of the process.

/// <summary>enum ggml_backend_dev_type</summary>
internal enum GgmlBackendDeviceType
{
    Cpu = 0,
    Gpu = 1,
    IntegratedGpu = 2,
    Accelerator = 3,
    Meta = 4,
}

internal static unsafe partial class GgmlBackendNative
{
    public const string Name = "ggml";

    [LibraryImport(Name)]
    public static partial nuint ggml_backend_dev_count();

    [LibraryImport(Name)]
    public static partial nint ggml_backend_dev_get(nuint index);

    [LibraryImport(Name)]
    public static partial byte* ggml_backend_dev_name(nint device);

    [LibraryImport(Name)]
    public static partial byte* ggml_backend_dev_description(nint device);

    [LibraryImport(Name)]
    public static partial void ggml_backend_dev_memory(nint device, nuint* free, nuint* total);

    [LibraryImport(Name)]
    public static partial GgmlBackendDeviceType ggml_backend_dev_type(nint device);

    [LibraryImport(Name)]
    public static partial nint ggml_backend_dev_backend_reg(nint device);

    [LibraryImport(Name)]
    public static partial byte* ggml_backend_reg_name(nint reg);
}
