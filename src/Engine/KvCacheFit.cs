using LlamaJump.Gguf;

namespace LlamaJump.Engine;

/// <summary>
/// Whether a KV cache type fits a model: llama.cpp views the cache per head, so a quantised K (V) cache needs a
/// K (V) head size that is a whole number of the type's blocks (32 elements for q8_0, q4_0 …). llama.cpp asserts
/// rather than refuses otherwise, so this is checked before a context is made.
/// </summary>
public static class KvCacheFit
{
    /// <summary>null when both types fit the model in <paramref name="file"/>; otherwise one sentence why not.</summary>
    public static string? Problem(GgufFile file, GgmlType? typeK, GgmlType? typeV)
    {
        string arch = file.GetString("general.architecture") ?? "";
        long heads = file.GetInteger($"{arch}.attention.head_count") ?? 0;
        long embd = file.GetInteger($"{arch}.embedding_length") ?? 0;
        if (heads <= 0 || embd <= 0)
            return null; // not a transformer this check knows: llama.cpp decides
        long headK = file.GetInteger($"{arch}.attention.key_length") ?? embd / heads;
        long headV = file.GetInteger($"{arch}.attention.value_length") ?? embd / heads;
        return Check("K", typeK, headK) ?? Check("V", typeV, headV);
    }

    private static string? Check(string which, GgmlType? type, long headSize)
    {
        if (type is not { } t || !GgmlTypeSize.TryGet(t, out int block, out _) || headSize % block == 0)
            return null;
        return $"a {t} {which} cache needs a {which} head size that is a multiple of {block}; this model's is {headSize}";
    }
}
