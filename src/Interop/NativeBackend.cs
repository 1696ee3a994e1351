// LlamaJump.Interop — how C# reaches the patched llama.cpp, and nothing else.
//
// Inside this project, bottom to top:
//   1. Native/*Native.cs  [LibraryImport] declarations with the exact C names of one native header each
//                         (llama-jump-abi.h, llama-jump.h, ggml.h's quantisation); blittable structs keep C field names. The context is
//                         passed as LLamaSharp's SafeLLamaContextHandle, never as a raw pointer.
//   2. BlockCapture, OutputHead, EarlyExit/NativeEarlyExit, NativeAbi, GgmlQuantization — span-based safe wrappers, one per concern
//      of the patch API; typed scalars (BlockIndex, SequenceId, TokenPosition) where ints could be swapped.
//   3. NativeBackend, NativeLog, OpenMpWaiting — which libllama.so loads, where its log goes, how its threads wait.
// LLamaSharp 0.30 drives everything it already binds (models, contexts, sampling); our bindings cover only what the
// patches in native/patches add. Both load the same libllama.so, chosen here, once per process.
//
// Below this project: Gguf (file format; its GgmlType names the quantised types). The projects above it, each
// referencing only those below it (README, "Layout"):
//   Gguf ← Models (model files, random models) ← Engine (sessions, generation, conversations;
//   references Interop) ← Shortcuts (TorchSharp: train, score, eval, jump files) ← App (jobs) ← Tui (Terminal.Gui
//   chat) ← Cli (the llamajump verbs). Dumps (dump format, corpus, safetensors) sits beside Gguf, pure managed.

using System.Reflection;
using System.Runtime.InteropServices;
using LLama.Native;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>The patched llama.cpp build is missing or cannot be loaded; the message names <c>./build.sh</c>.</summary>
public sealed class NativeBackendMissingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Decides which native libraries LLamaSharp and our own bindings load: the libllama.so that build.sh built from
/// the pinned llama.cpp with our patches. <see cref="Initialize"/> must run before the first LLamaSharp call (the
/// engine's ModelSession.Open calls it); it is idempotent and thread-safe.
/// <para>Where libllama.so is looked for, first match wins:</para>
/// <list type="number">
/// <item><c>$LLAMAJUMP_NATIVE_DIR</c>, when set: an override for the command line and the tests, and the only
/// place searched then;</item>
/// <item>the directory given to <see cref="Configure"/>, when a library user called it: the only place searched then;</item>
/// <item>the application's directory (<see cref="AppContext.BaseDirectory"/>), where this repo's builds and a
/// RID-specific build or publish of a package consumer put the libraries;</item>
/// <item><c>runtimes/linux-x64/native/</c> under it, where a portable (no RID) build of a consumer of the
/// LlamaJump.Interop package leaves them.</item>
/// </list>
/// </summary>
public static class NativeBackend
{
    public const string NativeDirEnvironmentVariable = "LLAMAJUMP_NATIVE_DIR";
    private const string LlamaFileName = "libllama.so";
    // the sonames libllama.so's NEEDED entries name: loaded by soname, dlopen returns the copy libllama already loaded
    // (the directory may hold other copies under other names — MSBuild copies symlinks as files — and a second copy of
    // libggml would have a registry of its own, without the RPC servers' devices)
    private const string GgmlBaseSoname = "libggml-base.so.0";
    private const string GgmlSoname = "libggml.so.0";
    private const string BuildKeyFileName = "llamajump-native.key";
    private static readonly string PortableNativeSubdirectory = Path.Combine("runtimes", "linux-x64", "native");

    // process-wide because the native library is: one libllama.so per process, shared by LLamaSharp and our bindings
    private static readonly Lock Gate = new();
    private static string? _configuredDirectory;
    private static string? _libraryPath;
    private static nint _handle;

    /// <summary>Tells <see cref="Initialize"/> to load libllama.so from <paramref name="directory"/> only (unless
    /// <c>$LLAMAJUMP_NATIVE_DIR</c> overrides it). Call it before the first model is opened.</summary>
    /// <exception cref="InvalidOperationException">a libllama.so has already been loaded from elsewhere</exception>
    public static void Configure(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        lock (Gate)
        {
            if (_libraryPath is not null && !string.Equals(Path.GetDirectoryName(_libraryPath), full.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the native backend is already loaded from {_libraryPath}; configure it before the first model opens");
            }
            _configuredDirectory = full;
        }
    }

    /// <summary>The directories searched for libllama.so, in order (see the type's remarks).</summary>
    public static IReadOnlyList<string> SearchDirectories
    {
        get
        {
            if (Environment.GetEnvironmentVariable(NativeDirEnvironmentVariable) is { Length: > 0 } dir)
            {
                return [Path.GetFullPath(dir)];
            }
            if (_configuredDirectory is { } configured)
            {
                return [configured];
            }
            return [AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, PortableNativeSubdirectory)];
        }
    }

    /// <summary>The directory libllama.so loads from: the first of <see cref="SearchDirectories"/> that holds it, else
    /// the first of them (where the error message says it is missing).</summary>
    public static string LibraryDirectory
    {
        get
        {
            var directories = SearchDirectories;
            return directories.FirstOrDefault(d => File.Exists(Path.Combine(d, LlamaFileName))) ?? directories[0];
        }
    }

    /// <summary>Full path of the loaded libllama.so (after <see cref="Initialize"/>).</summary>
    public static string LibraryPath => _libraryPath ?? throw new InvalidOperationException("NativeBackend.Initialize() has not run");

    /// <summary>The cache key build.sh recorded for this native build (source, patches, flags), if present.</summary>
    public static string? BuildKey
    {
        get
        {
            string dir = LibraryDirectory;
            foreach (var name in new[] { BuildKeyFileName, "build.key" })
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path))
                {
                    return File.ReadAllText(path).Trim();
                }
            }
            return null;
        }
    }

    /// <summary>Points LLamaSharp and our bindings at the patched libllama.so and loads it.</summary>
    /// <exception cref="NativeBackendMissingException">the library is missing or does not load</exception>
    public static void Initialize()
    {
        lock (Gate)
        {
            if (_libraryPath is not null)
            {
                return;
            }

            string path = Path.Combine(LibraryDirectory, LlamaFileName);
            if (!File.Exists(path))
            {
                throw new NativeBackendMissingException(
                    $"the patched llama.cpp backend is not built ({LlamaFileName} not found in {string.Join(" or ", SearchDirectories)}); run ./build.sh in the repository, or reference the LlamaJump.Interop package, which carries it");
            }
            OpenMpWaiting.Apply(); // before libggml-cpu brings libgomp in
            if (!NativeLibrary.TryLoad(path, out _handle))
            {
                throw new NativeBackendMissingException(
                    $"{path} does not load (a dependency may be missing: try `ldd {path}`); rebuild with ./build.sh");
            }
            if (!NativeLibrary.TryGetExport(_handle, "llama_jump_abi_n_fields", out _))
            {
                throw new NativeBackendMissingException(
                    $"{path} is not LlamaJump's patched build (no llama_jump_abi_n_fields); run ./build.sh");
            }

            if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                NativeLibraryConfig.All.WithLibrary(path, null);
            }
            NativeLibrary.SetDllImportResolver(typeof(NativeBackend).Assembly, Resolve);
            _libraryPath = path;
        }
    }

    /// <summary>Our bindings' library names: the patched libllama itself, and the libggml-base and libggml it loaded.</summary>
    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        LlamaJumpLibrary.Name => _handle,
        GgmlNative.Name => NativeLibrary.Load(GgmlBaseSoname),
        GgmlBackendNative.Name => NativeLibrary.Load(GgmlSoname),
        _ => 0,
    };
}
