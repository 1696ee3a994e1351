using LlamaJump.Gguf;
using static LlamaJump.Models.Layouts.LayoutParts;

namespace LlamaJump.Models.Layouts;

/// <summary>
/// The gemma family, from src/models/gemma.cpp, gemma2.cpp and gemma3.cpp: RMSNorm, RoPE, a GeGLU FFN of llama's
/// three tensors, token embeddings scaled by sqrt(n_embd) in the graph. gemma and gemma2 tie the output to
/// token_embd — their loaders ask for no output.weight, so the file has none — and gemma3 takes its own. gemma2 adds
/// post-norms of both sub-blocks, attention logit soft-capping and sliding-window attention on every other block;
/// gemma3 adds RMSNorm of Q and K per head to those (and no attention soft-capping).
/// </summary>
internal static class GemmaLayouts
{
    /// <summary>{arch}.final_logit_softcapping of gemma2 and gemma3: logits are 30·tanh(logits / 30).</summary>
    public const float FinalLogitSoftcap = 30f;

    /// <summary>gemma2.attn_logit_softcapping: attention scores are 50·tanh(scores / 50).</summary>
    public const float AttentionLogitSoftcap = 50f;

    /// <summary>{arch}.attention.sliding_window_pattern: with 2, blocks 0, 2, 4 … attend within the window and
    /// blocks 1, 3, 5 … globally (gemma2's own pattern; gemma3's 6 would leave a model of under six blocks with no
    /// global block).</summary>
    public const uint SlidingWindowPattern = 2;

    public static IEnumerable<ArchitectureLayout> All { get; } =
    [
        new("gemma", RandomModelNorm.Rms, RopeSpan.Full, Gemma) { TiedOutput = true },
        new("gemma2", RandomModelNorm.Rms, RopeSpan.Full, Gemma2, WriteGemma2Keys) { TiedOutput = true },
        new("gemma3", RandomModelNorm.Rms, RopeSpan.Full, Gemma3, WriteGemma3Keys),
    ];

    /// <summary>{arch}.attention.sliding_window: half the context, at most the family's own window (gemma2 4096,
    /// gemma3 512), so the sliding-window cache and mask are in play and prompts longer than the window see it.</summary>
    public static uint SlidingWindow(RandomModelSpec spec, uint familyWindow) => Math.Clamp(spec.ContextLength / 2, 1, familyWindow);

    private static void WriteGemma2Keys(GgufWriter writer, RandomModelSpec spec, long vocab) =>
        writer.SetMetadata("gemma2.attention.sliding_window", SlidingWindow(spec, 4096))
            .SetMetadata("gemma2.attention.sliding_window_pattern", SlidingWindowPattern)
            .SetMetadata("gemma2.attn_logit_softcapping", AttentionLogitSoftcap)
            .SetMetadata("gemma2.final_logit_softcapping", FinalLogitSoftcap);

    /// <summary>gemma3's keys; rope.freq_base_swa is the spec's base like the global blocks' (the loader's default
    /// for it is 10000 whatever rope.freq_base says).</summary>
    private static void WriteGemma3Keys(GgufWriter writer, RandomModelSpec spec, long vocab) =>
        writer.SetMetadata("gemma3.attention.sliding_window", SlidingWindow(spec, 512))
            .SetMetadata("gemma3.attention.sliding_window_pattern", SlidingWindowPattern)
            .SetMetadata("gemma3.rope.freq_base_swa", spec.RopeFreqBase)
            .SetMetadata("gemma3.final_logit_softcapping", FinalLogitSoftcap);

    private static List<RandomTensor> Gemma(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.Add(Norm($"blk.{i}.attn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(SeparateQkv(spec, i, biases: false));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(Norm($"blk.{i}.ffn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(GatedFfn(spec, i));
        }
        tensors.Add(Norm("output_norm.weight", spec.EmbeddingLength));
        return tensors;
    }

    private static List<RandomTensor> Gemma2(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
            tensors.AddRange(PostNormBlock(spec, i, qkNorms: false));
        tensors.Add(Norm("output_norm.weight", spec.EmbeddingLength));
        return tensors;
    }

    private static List<RandomTensor> Gemma3(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
            tensors.AddRange(PostNormBlock(spec, i, qkNorms: true));
        tensors.Add(Norm("output_norm.weight", spec.EmbeddingLength));
        tensors.Add(Output(spec, vocab));
        return tensors;
    }

    /// <summary>A gemma2/gemma3 block: pre- and post-norms of both sub-blocks, with gemma3's attn_q_norm and
    /// attn_k_norm {head size} when <paramref name="qkNorms"/>.</summary>
    private static IEnumerable<RandomTensor> PostNormBlock(RandomModelSpec spec, int i, bool qkNorms)
    {
        yield return Norm($"blk.{i}.attn_norm.weight", spec.EmbeddingLength);
        foreach (var t in SeparateQkv(spec, i, biases: false))
            yield return t;
        if (qkNorms)
        {
            yield return Norm($"blk.{i}.attn_q_norm.weight", spec.HeadDim);
            yield return Norm($"blk.{i}.attn_k_norm.weight", spec.HeadDim);
        }
        yield return AttnOutput(spec, i);
        yield return PostNorm(spec, "post_attention_norm", i);
        yield return Norm($"blk.{i}.ffn_norm.weight", spec.EmbeddingLength);
        foreach (var t in GatedFfn(spec, i))
            yield return t;
        yield return PostNorm(spec, "post_ffw_norm", i);
    }
}
