using System.Globalization;
using System.Reflection;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Shortcuts.Training;
using TorchSharp;

namespace LlamaJump.Shortcuts;

/// <summary>
/// The one place that loads TorchSharp's native backend, picks the torch device (<see cref="ResolveDevice(TorchDeviceChoice)"/>)
/// and sets the thread count. Everything here acts on libtorch's process-wide state.
/// </summary>
public static class TorchRuntime
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";

    /// <summary>
    /// Loads libLibTorchSharp.so and libtorch for the CPU, then puts MKL in its reproducible mode
    /// (<see cref="MklReproducibility"/>) before anything can compute: every torch computation of the process goes
    /// through here first, so training is bit-for-bit repeatable whichever part of the process touched torch first.
    /// A load failure becomes an <see cref="InvalidOperationException"/> with a one-line explanation; the original is
    /// its inner exception.
    /// </summary>
    public static void EnsureLoadable()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            MklReproducibility.Ensure();
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                $"TorchSharp could not load its native library libLibTorchSharp.so ({FirstLine(e)}). "
                + "Build with ./build.sh: where the system libstdc++ lacks GLIBCXX_3.4.32 (Debian 12), "
                + "the build marks that version need weak in the output's copy (eng/TorchSharpGlibcxx.targets).",
                e);
        }
    }

    /// <summary>The libtorch this assembly was built against: <see cref="Cpu"/> (the default) or <see cref="Cuda"/>
    /// (<c>LLAMAJUMP_TORCH=cuda ./build.sh</c>, <c>-p:TorchBackend=cuda</c>); the build records it as assembly
    /// metadata.</summary>
    public static string BuildBackend { get; } = typeof(TorchRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "LlamaJump.TorchBackend")?.Value ?? Cpu;

    /// <summary>How to get a build whose TorchSharp has CUDA, for messages.</summary>
    public const string HowToBuildWithCuda =
        "build with LLAMAJUMP_TORCH=cuda ./build.sh (needs the libtorch-cuda-12.8-linux-x64 package from a NuGet source)";

    /// <summary>
    /// The device <paramref name="choice"/> asks for, as TorchSharp reports it here (<see cref="TorchCudaProbe"/>).
    /// On CUDA, fp32 matrix products are kept in full fp32 (no TF32), which the CPU–CUDA tolerance of
    /// <see cref="TorchDevice"/> relies on.
    /// </summary>
    /// <exception cref="TorchDeviceUnavailableException"><see cref="TorchDeviceChoice.Cuda"/> where CUDA cannot be had.</exception>
    /// <exception cref="InvalidOperationException">TorchSharp does not load (<see cref="EnsureLoadable"/>).</exception>
    public static TorchDevice ResolveDevice(TorchDeviceChoice choice)
    {
        var device = ResolveDevice(choice, TorchCudaProbe.Instance);
        if (device.Type == DeviceType.CUDA)
        {
            torch.backends.cuda.matmul.allow_tf32 = false;
        }
        return device;
    }

    /// <summary>
    /// The decision alone, on what <paramref name="probe"/> says: <see cref="TorchDeviceChoice.Cpu"/> is the CPU
    /// (the probe is not asked); <see cref="TorchDeviceChoice.Auto"/> is CUDA when the CUDA backend loads and a device
    /// is visible, else the CPU, with the reason in <see cref="TorchDevice.Reason"/>;
    /// <see cref="TorchDeviceChoice.Cuda"/> is CUDA or a <see cref="TorchDeviceUnavailableException"/> whose one line
    /// tells a CPU-only build (and how to get a CUDA one) from a CUDA backend that does not load and from no visible
    /// device.
    /// </summary>
    public static TorchDevice ResolveDevice(TorchDeviceChoice choice, ITorchCudaProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (choice == TorchDeviceChoice.Cpu)
        {
            return new TorchDevice(DeviceType.CPU, "requested");
        }
        if (choice is not (TorchDeviceChoice.Auto or TorchDeviceChoice.Cuda))
        {
            throw new ArgumentOutOfRangeException(nameof(choice), choice, null);
        }

        var (missing, why) = CudaMissing(probe);
        if (missing is null)
        {
            int devices = probe.CudaDevices;
            return new TorchDevice(DeviceType.CUDA, choice == TorchDeviceChoice.Auto
                ? string.Create(CultureInfo.InvariantCulture, $"auto: {devices} CUDA device{(devices == 1 ? "" : "s")} visible")
                : "requested");
        }
        return choice == TorchDeviceChoice.Auto
            ? new TorchDevice(DeviceType.CPU, $"auto: {missing}")
            : throw new TorchDeviceUnavailableException($"CUDA was requested, but {why}");
    }

    /// <summary>What <paramref name="choice"/> resolves to here and what was found on the way, for doctor; never
    /// throws for lack of CUDA (the refusal is in the report). Loads TorchSharp unless the choice is cpu.</summary>
    public static TorchDeviceReport DescribeDevice(TorchDeviceChoice choice = TorchDeviceChoice.Auto) => DescribeDevice(choice, TorchCudaProbe.Instance);

    /// <summary><see cref="DescribeDevice(TorchDeviceChoice)"/> on what <paramref name="probe"/> says.</summary>
    public static TorchDeviceReport DescribeDevice(TorchDeviceChoice choice, ITorchCudaProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        bool loads = probe.CudaBackendLoads;
        int devices = loads ? probe.CudaDevices : 0;
        string build = probe.BuildHasCuda ? Cuda : Cpu;
        try
        {
            return new TorchDeviceReport(build, loads, devices, choice, ResolveDevice(choice, probe), null);
        }
        catch (TorchDeviceUnavailableException e)
        {
            return new TorchDeviceReport(build, loads, devices, choice, null, e.Message);
        }
    }

    /// <summary>(null, null) when CUDA can be used; else a short reason for the log of auto and the rest of the
    /// sentence an explicit request is refused with.</summary>
    private static (string? Short, string? Why) CudaMissing(ITorchCudaProbe probe)
    {
        if (!probe.CudaBackendLoads)
        {
            return probe.BuildHasCuda
                ? ("the CUDA backend did not load",
                    "the CUDA backend of this build (libtorch-cuda-12.8) did not load: no NVIDIA driver for CUDA 12.8, or the CUDA libraries are missing from the build output; check nvidia-smi, or use the cpu device (--device cpu)")
                : ("no CUDA backend in this build",
                    $"this build of LlamaJump is CPU-only (its TorchSharp has no CUDA backend); {HowToBuildWithCuda}, or use the cpu device (--device cpu)");
        }
        return probe.CudaDevices > 0
            ? (null, null)
            : ("no CUDA device visible",
                "no CUDA device is visible (the CUDA backend of this build loads); check nvidia-smi and CUDA_VISIBLE_DEVICES, or use the cpu device (--device cpu)");
    }

    /// <summary>Sets libtorch's intra-op thread count (default: the cores this process may use, see CpuBudget) and returns it.</summary>
    public static int ConfigureThreads(int? threads = null)
    {
        int count = threads ?? CpuBudget.Current().Cores;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(threads));
        EnsureLoadable();
        torch.set_num_threads(count);
        return count;
    }

    /// <summary>Whether MKL runs in its reproducible (AUTO) branch mode; null where libtorch has no MKL.</summary>
    public static bool? MklReproducible
    {
        get
        {
            EnsureLoadable();
            return MklReproducibility.Current() is { } branch ? branch == MklReproducibility.Auto : null;
        }
    }

    /// <summary>One line for logs: torch version, which devices are usable, thread count.</summary>
    public static string Describe()
    {
        EnsureLoadable();
        string cuda = torch.cuda.is_available() ? $"cuda available ({torch.cuda.device_count()} devices)" : "cuda not available";
        return $"torch {torch.__version__}; cpu available, {cuda}; {torch.get_num_threads()} threads";
    }

    private static string FirstLine(Exception e)
    {
        Exception root = e is TypeInitializationException { InnerException: { } inner } ? inner : e;
        string message = root.Message.Trim();
        int newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
