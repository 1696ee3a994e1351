using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Abi;

/// <summary>
/// Each LLamaSharp declaration and the prototype in the patched headers pass the same arguments in the same ABI
/// classes. Matching output alone is no proof: a 4-argument call into a 5-argument function can still produce the
/// same tokens (see FINDINGS); this compares the declarations themselves.
/// </summary>
public sealed class SignatureTests
{
    private static readonly Lazy<CPrototypes> Headers = new(() =>
    {
        var abi = NativeAbi.Describe();
        string include = TestPaths.PatchedLlamaInclude;
        string ggmlInclude = Path.Combine(include, "..", "ggml", "include");
        var headers = Directory.GetFiles(include, "*.h").Concat(Directory.GetFiles(ggmlInclude, "*.h")).Order();
        return new CPrototypes(headers, name => abi.FirstOrDefault(r => r.Struct == name && r.IsStructSize)?.Size);
    });

    [Fact]
    public void Headers_of_the_patched_tree_are_present()
    {
        File.Exists(Path.Combine(TestPaths.PatchedLlamaInclude, "llama.h")).Should().BeTrue("build.sh leaves the patched tree in build/native/llama.cpp");
        Headers.Value.Functions.Should().ContainKey("llama_decode");
    }

    [Fact]
    public void Every_LLamaSharp_declaration_matches_the_patched_prototype()
    {
        var mismatches = new List<string>();
        int compared = 0;
        foreach (var import in LLamaSharpImports.All.Where(i => i.Library is "llama" or "ggml" or "ggml-base"))
        {
            if (!Headers.Value.Functions.TryGetValue(import.EntryPoint, out var proto))
            {
                continue; // absent entry points are EntryPointTests' concern
            }
            compared++;
            var managed = import.Method.GetParameters().Select(p => LLamaSharpImports.Classify(p.ParameterType, p)).ToList();
            var native = proto.Parameters.Select(Headers.Value.Classify).ToList();
            var managedReturn = LLamaSharpImports.Classify(import.Method.ReturnType, import.Method.ReturnParameter);
            var nativeReturn = Headers.Value.Classify(proto.ReturnType);
            bool argumentsAgree = managed.Count == native.Count && managed.Zip(native).All(pair => ArgumentCompatible(pair.First, pair.Second));
            if (!argumentsAgree || !SameClass(managedReturn, nativeReturn))
            {
                mismatches.Add($"{import.EntryPoint}: LLamaSharp {managedReturn}({string.Join(", ", managed)}) vs C {nativeReturn}({string.Join(", ", native)}) [{proto.ReturnType} ({string.Join(", ", proto.Parameters)})]");
            }
        }
        compared.Should().BeGreaterThan(150);
        mismatches.Where(m => !LLamaSharpOwnDeviations.Keys.Any(k => m.StartsWith(k + ":", StringComparison.Ordinal)))
            .Should().BeEmpty();
        LLamaSharpOwnDeviations.Keys.Should().OnlyContain(k => mismatches.Any(m => m.StartsWith(k + ":", StringComparison.Ordinal)),
            "a listed deviation that no longer occurs must be removed from the list");
    }

    /// <summary>Declarations where LLamaSharp 0.30 itself differs from every llama.cpp release (the stock b10221 binaries
    /// included), so no patch can or should change them.</summary>
    private static readonly Dictionary<string, string> LLamaSharpOwnDeviations = new()
    {
        ["llama_log_set"] = "LLamaSharp omits the trailing void * user_data; llama.cpp only hands it back to the callback, which LLamaSharp ignores",
        ["llama_sampler_init_grammar_lazy_patterns"] = "LLamaSharp omits size_t num_trigger_patterns (7 parameters in every llama.cpp release); " +
            "its AddLazyGrammar cannot work on any backend, and LlamaJump never calls it",
    };

    /// <summary>Arguments agree when their classes are equal, or in one benign case LLamaSharp has: a C <c>bool</c>
    /// argument declared as a managed <c>bool</c> without [MarshalAs(U1)], which .NET passes as a 4-byte 0/1 — a value
    /// whose low byte is the same 0/1 the callee reads. (For return values this would not be safe, and is not allowed.)</summary>
    private static bool ArgumentCompatible(AbiClass managed, AbiClass native) =>
        SameClass(managed, native) || (managed == AbiClass.Int(4) && native == AbiClass.Int(1));

    /// <summary>Equal classes; a struct of at most 8 bytes whose managed mirror is a single integer field travels in an
    /// integer register exactly like that integer (System V), so the two are the same class.</summary>
    private static bool SameClass(AbiClass a, AbiClass b) =>
        a == b || (a.Size == b.Size && a.Size <= 8 && a.Kind is "int" or "struct" && b.Kind is "int" or "struct");

    [Theory]
    [InlineData("llama_sampler_init_penalties", 4)]
    [InlineData("llama_sampler_init_dry", 8)]
    public void Sampler_constructors_have_the_b10221_arity(string function, int arity)
    {
        Headers.Value.Functions[function].Parameters.Should().HaveCount(arity);
    }
}
