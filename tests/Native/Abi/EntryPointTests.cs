using System.Runtime.InteropServices;
using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Abi;

/// <summary>Every native entry point LLamaSharp 0.30 declares is exported by our build, or is listed here as unused
/// with the reason — and "unused" is checked, not trusted.</summary>
public sealed class EntryPointTests
{
    /// <summary>Libraries LLamaSharp names that LlamaJump does not build or load, and why.</summary>
    private static readonly Dictionary<string, string> LibrariesNotBuilt = new()
    {
        ["mtmd"] = "multimodal (images/audio) library; LlamaJump runs text models and NativeBackend passes LLamaSharp no mtmd path",
        ["kernel32.dll"] = "Windows system call LLamaSharp uses for its own platform probing; not part of llama.cpp",
        ["libvulkan.so.1"] = "Vulkan loader LLamaSharp probes to pick a Vulkan backend; not part of llama.cpp",
        ["vulkan-1"] = "Vulkan loader (Windows name) LLamaSharp probes; not part of llama.cpp",
    };

    /// <summary>llama.cpp entry points LLamaSharp declares that b10361 (and our build) no longer export.</summary>
    private static readonly Dictionary<string, string> UnusedEntryPoints = new()
    {
        ["llama_adapter_meta_val_by_index"] = "misnamed declaration (llama.cpp calls it llama_adapter_meta_val_str_by_index); LLamaSharp never calls it",
        ["llama_model_apply_lora_from_file"] = "removed from llama.cpp long before b10221 (replaced by llama_adapter_lora_init); LLamaSharp never calls it",
        ["llama_print_timings"] = "renamed llama_perf_context_print in llama.cpp; LLamaSharp never calls it",
    };

    private static readonly Dictionary<string, string> BuiltLibraryFiles = new()
    {
        ["llama"] = "libllama.so",
        ["ggml"] = "libggml.so",
        ["ggml-base"] = "libggml-base.so",
    };

    private static bool IsExported(string library, string entryPoint)
    {
        NativeBackend.Initialize();
        nint handle = NativeLibrary.Load(Path.Combine(NativeBackend.LibraryDirectory, BuiltLibraryFiles[library]));
        return NativeLibrary.TryGetExport(handle, entryPoint, out _);
    }

    [Fact]
    public void LLamaSharp_names_only_libraries_we_build_or_list()
    {
        var libraries = LLamaSharpImports.All.Select(i => i.Library).Distinct();
        libraries.Should().BeSubsetOf(BuiltLibraryFiles.Keys.Concat(LibrariesNotBuilt.Keys));
    }

    [Fact]
    public void Every_declared_entry_point_is_exported_or_listed_as_unused()
    {
        var missing = LLamaSharpImports.All
            .Where(i => BuiltLibraryFiles.ContainsKey(i.Library) && !IsExported(i.Library, i.EntryPoint))
            .Select(i => i.EntryPoint)
            .Distinct()
            .Order()
            .ToList();
        missing.Should().BeEquivalentTo(UnusedEntryPoints.Keys,
            "an entry point LLamaSharp declares must exist in our build unless it is listed, with a reason, as unused");
    }

    [Fact]
    public void Entry_points_listed_as_unused_have_no_call_site_in_LLamaSharp()
    {
        LLamaSharpImports.CalledEntryPoints.Should().NotBeEmpty("the IL scan finds LLamaSharp's real call sites");
        LLamaSharpImports.CalledEntryPoints.Should().Contain("llama_decode");
        LLamaSharpImports.CalledEntryPoints.Intersect(UnusedEntryPoints.Keys).Should().BeEmpty();
    }

    [Fact]
    public void Most_declared_llama_entry_points_exist()
    {
        // guards the test above against a vacuous pass (e.g. a library that resolves nothing)
        var llama = LLamaSharpImports.All.Where(i => i.Library == "llama").Select(i => i.EntryPoint).Distinct().ToList();
        llama.Count.Should().BeGreaterThan(150);
        llama.Count(e => IsExported("llama", e)).Should().Be(llama.Count - UnusedEntryPoints.Count);
    }
}
