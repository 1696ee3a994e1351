namespace LlamaJump.Gguf;

/// <summary>The quantised block types LlamaJump writes: those ggml quantises without an importance matrix — the
/// legacy 32-element blocks, the k-quants (256-element super-blocks) and the non-linear 4-bit types. The Interop's
/// quantiser refuses any other, and random models offer exactly these.</summary>
public static class GgmlQuantizedTypes
{
    public static IReadOnlyList<GgmlType> Writable { get; } =
    [
        GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
        GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
        GgmlType.IQ4_NL, GgmlType.IQ4_XS,
    ];
}
