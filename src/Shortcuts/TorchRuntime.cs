using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Shortcuts.Training;
using TorchSharp;

namespace LlamaJump.Shortcuts;

/// <summary>
/// The one place that loads TorchSharp's native backend, picks the torch device and sets the
/// thread count. Everything here acts on libtorch's process-wide state.
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

    /// <summary>
    /// Maps a requested device ("cpu", "cuda", case-insensitive; null or empty means "cpu") to the
    /// torch device name to use. "cuda" is returned only when CUDA is usable; otherwise this throws
    /// <see cref="InvalidOperationException"/> saying why and how to get a CUDA build.
    /// </summary>
    public static string SelectDevice(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || string.Equals(requested, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            return Cpu;
        }

        if (!string.Equals(requested, Cuda, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown torch device '{requested}'; use '{Cpu}' or '{Cuda}'.", nameof(requested));
        }

        EnsureLoadable();
        if (torch.cuda.is_available())
        {
            return Cuda;
        }

        const string howToBuild = "build with CUDA: LLAMAJUMP_TORCH=cuda ./build.sh (needs the libtorch-cuda-12.8-linux-x64 package).";
        throw new InvalidOperationException(torch.TryInitializeDeviceType(DeviceType.CUDA)
            ? $"CUDA was requested but no CUDA device is visible (this build has the CUDA backend); use the {Cpu} device or run where a GPU is present."
            : $"CUDA was requested but this build of LlamaJump is CPU-only (TorchSharp has no CUDA backend); {howToBuild}");
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
