using LlamaJump.Models;

namespace LlamaJump.Tests.Native.Models;

/// <summary>
/// One tiny random-weight model: a llama.cpp architecture at a small width and depth (<see cref="Model"/>), around the
/// real tokenizer of a vocab-only GGUF in <c>../shared/models/vocab/</c>. One spec per family of the paper: Llama-2
/// (llama: RMSNorm, RoPE, SwiGLU, separate Q/K/V, here with grouped-query attention), GPT-2 (gpt2: LayerNorm with
/// biases, learned positions, fused QKV with bias, GELU) and Phi-3 (phi3: RMSNorm, NeoX RoPE, fused QKV, fused
/// gate+up FFN).
/// </summary>
/// <param name="VocabFile">File name in ../shared/models/vocab whose tokenizer.* metadata the model takes.</param>
public sealed record TinyModelSpec(string VocabFile, RandomModelSpec Model)
{
    public static TinyModelSpec Llama { get; } = new("ggml-vocab-llama-spm.gguf", new("llama",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 128, HeadCount: 4, HeadCountKv: 2,
        NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: 1));

    public static TinyModelSpec Gpt2 { get; } = new("ggml-vocab-gpt-2.gguf", new("gpt2",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 256, HeadCount: 4, HeadCountKv: 4,
        NormEpsilon: 1e-5f, RopeFreqBase: 0f, InitStd: 0.02, Seed: 2));

    public static TinyModelSpec Phi3 { get; } = new("ggml-vocab-phi-3.gguf", new("phi3",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 128, HeadCount: 4, HeadCountKv: 4,
        NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: 3));

    public static IReadOnlyList<TinyModelSpec> All { get; } = [Llama, Gpt2, Phi3];

    /// <summary>The spec of <paramref name="architecture"/> ("llama", "gpt2" or "phi3").</summary>
    public static TinyModelSpec For(string architecture) =>
        All.SingleOrDefault(s => s.Architecture == architecture)
        ?? throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "no tiny model of this architecture");

    public string Architecture => Model.Architecture;
}
