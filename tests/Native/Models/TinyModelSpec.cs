using LlamaJump.Models;

namespace LlamaJump.Tests.Native.Models;

/// <summary>
/// One tiny random-weight model: a llama.cpp architecture at a small width and depth (<see cref="Model"/>: n_embd 64,
/// 4 blocks, 4 heads of 16, context 256), around the real tokenizer of a vocab-only GGUF in
/// <c>../shared/models/vocab/</c>. <see cref="All"/> holds one spec per family of the paper: Llama-2 (llama:
/// RMSNorm, RoPE, SwiGLU, separate Q/K/V, here with grouped-query attention), GPT-2 (gpt2: LayerNorm with biases,
/// learned positions, fused QKV with bias, GELU) and Phi-3 (phi3: RMSNorm, NeoX RoPE, fused QKV, fused gate+up FFN).
/// <see cref="Families"/> adds every other architecture make-model writes (2 KV heads wherever the family has
/// grouped-query attention; phi2 stays multi-head like Phi-2) and llama with fused QKV.
/// </summary>
/// <param name="VocabFile">File name in ../shared/models/vocab whose tokenizer.* metadata the model takes.</param>
public sealed record TinyModelSpec(string VocabFile, RandomModelSpec Model)
{
    private const string Gpt2Vocab = "ggml-vocab-gpt-2.gguf", LlamaVocab = "ggml-vocab-llama-spm.gguf";

    public static TinyModelSpec Llama { get; } = Tiny(LlamaVocab, "llama", ff: 128, headsKv: 2, seed: 1);

    public static TinyModelSpec Gpt2 { get; } = new(Gpt2Vocab, new("gpt2",
        ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: 256, HeadCount: 4, HeadCountKv: 4,
        NormEpsilon: 1e-5f, RopeFreqBase: 0f, InitStd: 0.02, Seed: 2));

    public static TinyModelSpec Phi3 { get; } = Tiny("ggml-vocab-phi-3.gguf", "phi3", ff: 128, headsKv: 4, seed: 3);

    /// <summary><see cref="Llama"/> with one attn_qkv per block (<see cref="RandomModelSpec.FusedQkv"/>).</summary>
    public static TinyModelSpec LlamaFused { get; } = Llama with { Model = Llama.Model with { FusedQkv = true } };

    public static TinyModelSpec Qwen2 { get; } = Tiny(Gpt2Vocab, "qwen2", ff: 128, headsKv: 2, seed: 4);

    public static TinyModelSpec Qwen3 { get; } = Tiny(Gpt2Vocab, "qwen3", ff: 128, headsKv: 2, seed: 5);

    public static TinyModelSpec Gemma { get; } = Tiny(LlamaVocab, "gemma", ff: 128, headsKv: 2, seed: 6);

    public static TinyModelSpec Gemma2 { get; } = Tiny(LlamaVocab, "gemma2", ff: 128, headsKv: 2, seed: 7);

    public static TinyModelSpec Gemma3 { get; } = Tiny(LlamaVocab, "gemma3", ff: 128, headsKv: 2, seed: 8);

    public static TinyModelSpec Phi2 { get; } = Tiny(Gpt2Vocab, "phi2", ff: 256, headsKv: 4, seed: 9);

    public static TinyModelSpec StableLm { get; } = Tiny(Gpt2Vocab, "stablelm", ff: 128, headsKv: 2, seed: 10);

    public static TinyModelSpec StarCoder2 { get; } = Tiny(Gpt2Vocab, "starcoder2", ff: 256, headsKv: 2, seed: 11);

    public static TinyModelSpec Olmo2 { get; } = Tiny(Gpt2Vocab, "olmo2", ff: 128, headsKv: 2, seed: 12);

    public static TinyModelSpec Granite { get; } = Tiny(Gpt2Vocab, "granite", ff: 128, headsKv: 2, seed: 13);

    /// <summary>The paper's three families.</summary>
    public static IReadOnlyList<TinyModelSpec> All { get; } = [Llama, Gpt2, Phi3];

    /// <summary>Every architecture make-model writes, and llama with fused QKV.</summary>
    public static IReadOnlyList<TinyModelSpec> Families { get; } =
        [Llama, Gpt2, Phi3, LlamaFused, Qwen2, Qwen3, Gemma, Gemma2, Gemma3, Phi2, StableLm, StarCoder2, Olmo2, Granite];

    /// <summary>The spec of <paramref name="name"/>: an architecture ("llama", "qwen3" …: its plain model) or
    /// <see cref="Name"/> ("llama-fused").</summary>
    public static TinyModelSpec For(string name) =>
        Families.SingleOrDefault(s => s.Name == name)
        ?? throw new ArgumentOutOfRangeException(nameof(name), name, "no tiny model of this architecture");

    public string Architecture => Model.Architecture;

    /// <summary>The architecture, with "-fused" for fused QKV: unique among <see cref="Families"/>, and the cached
    /// file's name.</summary>
    public string Name => Model.FusedQkv ? $"{Architecture}-fused" : Architecture;

    private static TinyModelSpec Tiny(string vocab, string architecture, uint ff, uint headsKv, ulong seed) =>
        new(vocab, new(architecture, ContextLength: 256, EmbeddingLength: 64, BlockCount: 4, FeedForwardLength: ff, HeadCount: 4,
            HeadCountKv: headsKv, NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: seed));
}
