using LlamaJump.Gguf;

namespace LlamaJump.Engine;

/// <summary>
/// What the command line sets for every <see cref="ModelSession"/> of the process (<c>--cache-type-k/-v</c>, on
/// every verb): the KV cache types a session gets where its own <see cref="SessionOptions"/> name none.
/// </summary>
public static class SessionDefaults
{
    /// <summary>The K cache's type (null: llama.cpp's f16).</summary>
    public static GgmlType? CacheTypeK { get; set; }

    /// <summary>The V cache's type (null: llama.cpp's f16).</summary>
    public static GgmlType? CacheTypeV { get; set; }

    /// <summary><paramref name="options"/> with the process defaults where it leaves a cache type open.</summary>
    public static SessionOptions Apply(SessionOptions options) => options with
    {
        CacheTypeK = options.CacheTypeK ?? CacheTypeK,
        CacheTypeV = options.CacheTypeV ?? CacheTypeV,
    };
}
