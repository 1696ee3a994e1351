using System.Runtime.InteropServices;
using TorchSharp;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// Makes libtorch's MKL compute the same bits in every process. Without it, MKL picks among code paths at run time
/// (measured here: the same single-threaded training on the stories260K dump gave one of two results, differing in
/// the last bit of some weights, in 4 of 10 runs); with conditional numerical reproducibility in its AUTO mode it
/// gave the same bits in 10 of 10 (the <c>MKL_CBWR=AUTO</c> environment variable has the same effect). The switch is
/// MKL's <c>mkl_cbwr_set</c>, exported by libtorch_cpu under its internal name <c>mkl_serv_cbwr_set</c>; it only
/// takes effect before MKL's first computation in the process, so <see cref="TorchRuntime.EnsureLoadable"/> calls it
/// as soon as libtorch is loaded. Where the symbol does not exist (another libtorch build), nothing happens.
/// </summary>
internal static class MklReproducibility
{
    /// <summary>MKL_CBWR_AUTO from mkl_cbwr.h.</summary>
    public const int Auto = 2;

    // process-wide because MKL's reproducibility mode is: it can be set once, before MKL's first computation
    private static readonly Lazy<int?> Result = new(SetAuto);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CbwrSet(int settings);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CbwrGet(int option);

    /// <summary>Sets AUTO once per process; returns MKL's status (0: set), or null without MKL. Call only once libtorch
    /// is loaded.</summary>
    public static int? Ensure() => Result.Value;

    /// <summary>MKL's current branch setting (mkl_cbwr_get(MKL_CBWR_BRANCH)), or null without MKL. Call only once
    /// libtorch is loaded.</summary>
    public static int? Current() =>
        TryGet("mkl_serv_cbwr_get", out nint get) ? Marshal.GetDelegateForFunctionPointer<CbwrGet>(get)(1) : null;

    private static int? SetAuto()
    {
        if (Environment.GetEnvironmentVariable("MKL_CBWR") is { Length: > 0 })
            return null; // the user chose a mode; MKL reads it itself
        return TryGet("mkl_serv_cbwr_set", out nint set) ? Marshal.GetDelegateForFunctionPointer<CbwrSet>(set)(Auto) : null;
    }

    private static bool TryGet(string symbol, out nint address)
    {
        address = 0;
        // libtorch_cpu is loaded by now (the callers' contract); dlopen of its soname returns that copy.
        return (NativeLibrary.TryLoad("libtorch_cpu.so", out nint library)
                || NativeLibrary.TryLoad("libtorch_cpu.so", typeof(torch).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out library))
            && NativeLibrary.TryGetExport(library, symbol, out address);
    }
}
