namespace LlamaJump.Tests.Native.Models;

/// <summary>
/// The hyperparameters of one tiny random-weight model: a llama.cpp architecture at a small width and depth, around the
/// real tokenizer of a vocab-only GGUF in <c>../shared/models/vocab/</c>. One spec per family of the paper: Llama-2
/// (llama: RMSNorm, RoPE, SwiGLU, separate Q/K/V, here with grouped-query attention), GPT-2 (gpt2: LayerNorm with
/// biases, learned positions, fused QKV with bias, GELU) and Phi-3 (phi3: RMSNorm, NeoX RoPE, fused QKV, fused
/// gate+up FFN).
/// </summary>
/// <param name="Architecture">general.architecture, the prefix of the hyperparameter keys.</param>
/// <param name="VocabFile">File name in ../shared/models/vocab whose tokenizer.* metadata the model takes.</param>
/// <param name="InitStd">Standard deviation of the random matrices, embeddings and biases (norm weights are 1, norm
/// biases 0).</param>
/// <param name="Seed">Seeds every tensor, together with the tensor's name.</param>
public sealed record TinyModelSpec(
    string Architecture,
    string VocabFile,
    uint ContextLength,
    uint EmbeddingLength,
    uint BlockCount,
    uint FeedForwardLength,
    uint HeadCount,
    uint HeadCountKv,
    float NormEpsilon,
    float RopeFreqBase,
    double InitStd,
    ulong Seed)
{
    public static TinyModelSpec Llama { get; } = new("llama", "ggml-vocab-llama-spm.gguf",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 128, HeadCount: 4, HeadCountKv: 2,
        NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: 1);

    public static TinyModelSpec Gpt2 { get; } = new("gpt2", "ggml-vocab-gpt-2.gguf",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 256, HeadCount: 4, HeadCountKv: 4,
        NormEpsilon: 1e-5f, RopeFreqBase: 0f, InitStd: 0.02, Seed: 2);

    public static TinyModelSpec Phi3 { get; } = new("phi3", "ggml-vocab-phi-3.gguf",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 128, HeadCount: 4, HeadCountKv: 4,
        NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: 3);

    public static IReadOnlyList<TinyModelSpec> All { get; } = [Llama, Gpt2, Phi3];

    /// <summary>The spec of <paramref name="architecture"/> ("llama", "gpt2" or "phi3").</summary>
    public static TinyModelSpec For(string architecture) =>
        All.SingleOrDefault(s => s.Architecture == architecture)
        ?? throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "no tiny model of this architecture");

    public uint HeadDim => EmbeddingLength / HeadCount;

    /// <summary>Width of the K and V projections: head_count_kv heads of <see cref="HeadDim"/>.</summary>
    public uint KvWidth => HeadCountKv * HeadDim;
}
