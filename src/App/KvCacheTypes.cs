using LlamaJump.Gguf;

namespace LlamaJump.App;

/// <summary>The KV cache types a user may set with <c>--cache-type-k</c> / <c>--cache-type-v</c>: llama.cpp's own
/// list (its common/arg.cpp kv_cache_types): f32, f16, bf16, q8_0, q4_0, q4_1, iq4_nl, q5_0, q5_1.</summary>
public static class KvCacheTypes
{
    private static readonly IReadOnlyDictionary<string, GgmlType> ByName = new Dictionary<string, GgmlType>(StringComparer.OrdinalIgnoreCase)
    {
        ["f32"] = GgmlType.F32, ["f16"] = GgmlType.F16, ["bf16"] = GgmlType.BF16, ["q8_0"] = GgmlType.Q8_0,
        ["q4_0"] = GgmlType.Q4_0, ["q4_1"] = GgmlType.Q4_1, ["iq4_nl"] = GgmlType.IQ4_NL, ["q5_0"] = GgmlType.Q5_0, ["q5_1"] = GgmlType.Q5_1,
    };

    public static string Names => string.Join(", ", ByName.Keys);

    /// <summary>null for null; the type for one of <see cref="Names"/>; <see cref="UserInputException"/> naming
    /// <paramref name="option"/> otherwise.</summary>
    public static GgmlType? Parse(string option, string? text) =>
        text is null ? null
        : ByName.TryGetValue(text, out var type) ? type
        : throw new UserInputException($"{option} must be one of {Names} (got '{text}')");
}
