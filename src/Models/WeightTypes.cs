using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>
/// The types a random model's 2-D tensors can be stored as, by their ggml names ("f16", "q4_0", "q4_k"), and what a
/// tensor whose rows are not whole blocks of the chosen type is stored as instead: llama.cpp's own fallback
/// (<c>tensor_type_fallback</c> in src/llama-quant.cpp of b10361): a k-quant's 256-element super-block → Q2_K, Q3_K
/// to Q4_0, Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0, IQ4_XS to IQ4_NL; and where that 32-element block does not fit
/// either, F16. (llama-quantize refuses a legacy 32-block type on such rows; a random model takes F16 for them too.)
/// 1-D tensors (norms, biases) are F32 whatever the type, as llama.cpp's converters and quantiser keep them.
/// </summary>
public static class WeightTypes
{
    public static IReadOnlyList<GgmlType> Unquantized { get; } = [GgmlType.F32, GgmlType.F16, GgmlType.BF16];

    /// <summary><see cref="GgmlQuantizedTypes.Writable"/>: what ggml quantises without an importance matrix.</summary>
    public static IReadOnlyList<GgmlType> Quantized => GgmlQuantizedTypes.Writable;

    public static IReadOnlyList<GgmlType> All { get; } = [.. Unquantized, .. Quantized];

    /// <summary>ggml's name of the type: "f16", "q4_0", "q4_k", "iq4_nl".</summary>
    public static string Name(GgmlType type) => type.ToString().ToLowerInvariant();

    /// <summary>"f32, f16, bf16, q4_0, …": every name <see cref="TryParse"/> accepts.</summary>
    public static string Names => string.Join(", ", All.Select(Name));

    public static bool IsQuantized(GgmlType type) => Quantized.Contains(type);

    /// <summary>A name of <see cref="All"/>, case-insensitive.</summary>
    public static bool TryParse(string? name, out GgmlType type)
    {
        type = All.FirstOrDefault(t => string.Equals(Name(t), name?.Trim(), StringComparison.OrdinalIgnoreCase), (GgmlType)uint.MaxValue);
        return All.Contains(type);
    }

    /// <summary>The type a 2-D tensor with rows of <paramref name="rowLength"/> elements is stored as when
    /// <paramref name="requested"/> is asked for (see the type's remarks).</summary>
    public static GgmlType ForRow(GgmlType requested, long rowLength)
    {
        if (FitsRow(requested, rowLength))
            return requested;
        GgmlType fallback = requested switch
        {
            GgmlType.Q2_K or GgmlType.Q3_K => GgmlType.Q4_0,
            GgmlType.Q4_K => GgmlType.Q5_0,
            GgmlType.Q5_K => GgmlType.Q5_1,
            GgmlType.Q6_K => GgmlType.Q8_0,
            GgmlType.IQ4_XS => GgmlType.IQ4_NL,
            _ => GgmlType.F16,
        };
        return FitsRow(fallback, rowLength) ? fallback : GgmlType.F16;
    }

    /// <summary>general.file_type (llama_ftype in include/llama.h) of a model whose weights are
    /// <paramref name="type"/>: MOSTLY_Q4_K_S for Q4_K and so on, the "small" mixture for a k-quant because every
    /// tensor takes the one type.</summary>
    public static uint FileType(GgmlType type) => type switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.Q4_0 => 2,
        GgmlType.Q4_1 => 3,
        GgmlType.Q8_0 => 7,
        GgmlType.Q5_0 => 8,
        GgmlType.Q5_1 => 9,
        GgmlType.Q2_K => 10,
        GgmlType.Q3_K => 11,
        GgmlType.Q4_K => 14,
        GgmlType.Q5_K => 16,
        GgmlType.Q6_K => 18,
        GgmlType.IQ4_NL => 25,
        GgmlType.IQ4_XS => 30,
        GgmlType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"random models hold {Names}"),
    };

    private static bool FitsRow(GgmlType type, long rowLength) =>
        GgmlTypeSize.TryGet(type, out int block, out _) && rowLength % block == 0;
}
