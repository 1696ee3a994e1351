using System.Reflection;
using System.Runtime.InteropServices;
using AwesomeAssertions;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Abi;

/// <summary>
/// Every struct LLamaSharp 0.30 passes to llama.cpp by value or by pointer has, in LLamaSharp's own declaration, the
/// size and field offsets that the patched library reports for the C struct it was compiled with (llama_jump_abi_*).
/// Nothing here is a typed-in number: one side is reflection over LLamaSharp, the other offsetof/sizeof in C.
/// </summary>
public sealed class StructLayoutTests
{
    /// <summary>LLamaSharp's type for each C struct (the only hand-written part: which type mirrors which struct).</summary>
    public static TheoryData<string, string> Pairs => new()
    {
        { "llama_context_params", typeof(LLamaContextParams).FullName! },
        { "llama_model_params", typeof(LLamaModelParams).FullName! },
        { "llama_model_quantize_params", typeof(LLamaModelQuantizeParams).FullName! },
        { "llama_batch", typeof(LLamaNativeBatch).FullName! },
        { "llama_token_data", typeof(LLamaTokenData).FullName! },
        { "llama_token_data_array", typeof(LLamaTokenDataArrayNative).FullName! },
        { "llama_sampler_chain_params", typeof(LLamaSamplerChainParams).FullName! },
        { "llama_sampler_i", "LLama.Native.LLamaSamplerINative" },
        { "llama_sampler", "LLama.Native.LLamaSamplerNative" },
        { "llama_chat_message", typeof(LLamaChatMessage).FullName! },
        { "llama_logit_bias", typeof(LLamaLogitBias).FullName! },
        { "llama_model_kv_override", typeof(LLamaModelMetadataOverride).FullName! },
        { "llama_model_tensor_buft_override", "LLama.Native.LLamaModelTensorBufferOverride" },
        { "llama_perf_context_data", "LLama.Native.LLamaPerfContextTimings" },
        { "llama_perf_sampler_data", "LLama.Native.LLamaSamplingTimings" },
    };

    private static readonly Lazy<IReadOnlyList<NativeAbiField>> Native = new(NativeAbi.Describe);

    [Theory]
    [MemberData(nameof(Pairs))]
    public void LLamaSharp_struct_matches_the_compiled_C_struct(string cStruct, string managedTypeName)
    {
        Type managed = typeof(NativeApi).Assembly.GetType(managedTypeName, throwOnError: true)!;
        var rows = Native.Value.Where(r => r.Struct == cStruct).ToList();
        rows.Should().NotBeEmpty($"the patched library describes {cStruct}");

        long nativeSize = rows.Single(r => r.IsStructSize).Size;
        Marshal.SizeOf(managed).Should().Be((int)nativeSize, $"sizeof({cStruct}) vs {managed.Name}");

        var nativeFields = rows.Where(r => !r.IsStructSize).OrderBy(r => r.Offset).ThenBy(r => r.Field).ToList();
        var managedFields = ManagedLayout(managed);
        string layouts = $"native: {string.Join(", ", nativeFields.Select(f => $"{f.Field}@{f.Offset}+{f.Size}"))}; " +
                         $"LLamaSharp: {string.Join(", ", managedFields.Select(f => $"{f.Name}@{f.Offset}+{f.Size}"))}";

        // every C member has a LLamaSharp member at its offset, and the widest member at each offset agrees
        // (members of a union share an offset; LLamaSharp declares them overlapping)
        foreach (var group in nativeFields.GroupBy(f => f.Offset))
        {
            var atOffset = managedFields.Where(f => f.Offset == group.Key).ToList();
            atOffset.Should().NotBeEmpty($"{cStruct} has {string.Join("/", group.Select(f => f.Field))} at offset {group.Key} ({layouts})");
            atOffset.Max(f => f.Size).Should().Be(group.Max(f => f.Size), $"size of the member of {cStruct} at offset {group.Key} ({layouts})");
        }

        // a LLamaSharp member at any other offset may only spell out padding: it must not overlap a C member
        foreach (var extra in managedFields.Where(m => nativeFields.All(n => n.Offset != m.Offset)))
        {
            nativeFields.Should().NotContain(n => n.Offset < extra.Offset + extra.Size && extra.Offset < n.Offset + n.Size,
                $"LLamaSharp's {managed.Name}.{extra.Name} must lie in padding of {cStruct} ({layouts})");
        }
    }

    [Fact]
    public void Every_described_struct_is_compared()
    {
        var compared = Pairs.Select(row => row.Data.Item1).ToHashSet();
        Native.Value.Select(r => r.Struct).Distinct().Should().BeSubsetOf(compared);
    }

    private sealed record ManagedField(string Name, long Offset, long Size);

    private static List<ManagedField> ManagedLayout(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(f => new ManagedField(f.Name, Marshal.OffsetOf(type, f.Name).ToInt64(), FieldSize(f)))
            .OrderBy(f => f.Offset)
            .ToList();

    private static long FieldSize(FieldInfo field)
    {
        Type t = field.FieldType;
        if (t.IsPointer || typeof(Delegate).IsAssignableFrom(t) || t == typeof(nint) || t == typeof(nuint))
        {
            return IntPtr.Size;
        }
        if (field.GetCustomAttribute<System.Runtime.CompilerServices.FixedBufferAttribute>() is { } fixedBuffer)
        {
            return fixedBuffer.Length * Marshal.SizeOf(fixedBuffer.ElementType);
        }
        if (t.IsEnum)
        {
            return Marshal.SizeOf(Enum.GetUnderlyingType(t));
        }
        if (t == typeof(bool))
        {
            return field.GetCustomAttribute<MarshalAsAttribute>()?.Value is UnmanagedType.U1 or UnmanagedType.I1 ? 1 : 4;
        }
        return Marshal.SizeOf(t);
    }
}
