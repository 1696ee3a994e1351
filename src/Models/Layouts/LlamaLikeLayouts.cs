using LlamaJump.Gguf;
using static LlamaJump.Models.Layouts.LayoutParts;

namespace LlamaJump.Models.Layouts;

/// <summary>
/// The RMSNorm, RoPE, gated-FFN families, from src/models/llama.cpp, phi3.cpp, qwen2.cpp, qwen3.cpp, granite.cpp
/// and olmo2.cpp: llama (separate Q/K/V, or one fused attn_qkv with <see cref="RandomModelSpec.FusedQkv"/>), phi3
/// (fused QKV, gate and up fused in one ffn_up of 2·n_ff), qwen2 (Q/K/V biases), qwen3 (RMSNorm of Q and K per
/// head), granite (llama's tensors, four scales in the metadata) and olmo2 (no pre-norms: RMSNorm of Q and K over
/// their whole width, post-norms of both sub-blocks). Each carries its own output.weight, optional in every one of
/// these loaders but olmo2's, which requires it.
/// </summary>
internal static class LlamaLikeLayouts
{
    /// <summary>granite.logit_scale: the graph divides the logits by it (Granite 3's logits_scaling).</summary>
    public const float GraniteLogitScale = 8f;

    /// <summary>granite.residual_scale: the factor on each sub-block's output before the residual add.</summary>
    public const float GraniteResidualScale = 0.22f;

    /// <summary>granite.embedding_scale: the factor on the token embeddings.</summary>
    public const float GraniteEmbeddingScale = 12f;

    public static IEnumerable<ArchitectureLayout> All { get; } =
    [
        new("llama", RandomModelNorm.Rms, RopeSpan.Full, Llama,
            (w, spec, vocab) => w.SetMetadata("llama.vocab_size", (uint)vocab)),
        new("phi3", RandomModelNorm.Rms, RopeSpan.Full, Phi3,
            (w, spec, _) => w.SetMetadata("phi3.rope.scaling.original_context_length", spec.ContextLength)),
        new("qwen2", RandomModelNorm.Rms, RopeSpan.Full, (spec, vocab) => Gated(spec, vocab, qkvBiases: true)),
        new("qwen3", RandomModelNorm.Rms, RopeSpan.Full, Qwen3),
        new("granite", RandomModelNorm.Rms, RopeSpan.Full, (spec, vocab) => Gated(spec, vocab, qkvBiases: false), WriteGraniteScales),
        new("olmo2", RandomModelNorm.Rms, RopeSpan.Full, Olmo2),
    ];

    /// <summary>granite.logit_scale (required), residual_scale, embedding_scale and attention.scale, none of them 1
    /// so that code which forgets one of them disagrees with llama.cpp; attention.scale is 1 / head size (Granite
    /// 3's attention_multiplier) instead of the usual 1 / sqrt(head size).</summary>
    private static void WriteGraniteScales(GgufWriter writer, RandomModelSpec spec, long vocab) =>
        writer.SetMetadata("granite.logit_scale", GraniteLogitScale)
            .SetMetadata("granite.residual_scale", GraniteResidualScale)
            .SetMetadata("granite.embedding_scale", GraniteEmbeddingScale)
            .SetMetadata("granite.attention.scale", 1f / spec.HeadDim);

    private static List<RandomTensor> Llama(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.Add(Norm($"blk.{i}.attn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(spec.FusedQkv ? FusedQkv(spec, i, bias: false) : SeparateQkv(spec, i, biases: false));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(Norm($"blk.{i}.ffn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(GatedFfn(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    /// <summary>llama's blocks with separate Q/K/V (and their biases when <paramref name="qkvBiases"/>).</summary>
    private static List<RandomTensor> Gated(RandomModelSpec spec, long vocab, bool qkvBiases)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.Add(Norm($"blk.{i}.attn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(SeparateQkv(spec, i, qkvBiases));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(Norm($"blk.{i}.ffn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(GatedFfn(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    private static List<RandomTensor> Phi3(RandomModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength;
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.Add(Norm($"blk.{i}.attn_norm.weight", e));
            tensors.AddRange(FusedQkv(spec, i, bias: false));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(Norm($"blk.{i}.ffn_norm.weight", e));
            // gate and up fused: the graph splits the 2·n_ff rows in half (LLM_FFN_SWIGLU on one tensor)
            tensors.Add(Weight($"blk.{i}.ffn_up.weight", e, 2 * ff));
            tensors.Add(FfnDown(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    /// <summary>qwen3: attn_q_norm and attn_k_norm {head size}, one RMSNorm weight shared by every head.</summary>
    private static List<RandomTensor> Qwen3(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.Add(Norm($"blk.{i}.attn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(SeparateQkv(spec, i, biases: false));
            tensors.Add(Norm($"blk.{i}.attn_q_norm.weight", spec.HeadDim));
            tensors.Add(Norm($"blk.{i}.attn_k_norm.weight", spec.HeadDim));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(Norm($"blk.{i}.ffn_norm.weight", spec.EmbeddingLength));
            tensors.AddRange(GatedFfn(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    /// <summary>olmo2: no attn_norm or ffn_norm; attn_q_norm {n_embd} and attn_k_norm {kv} normalise Q and K over
    /// their whole width; post_attention_norm and post_ffw_norm normalise each sub-block's output.</summary>
    private static List<RandomTensor> Olmo2(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(SeparateQkv(spec, i, biases: false));
            tensors.Add(Norm($"blk.{i}.attn_q_norm.weight", spec.EmbeddingLength));
            tensors.Add(Norm($"blk.{i}.attn_k_norm.weight", spec.KvWidth));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(PostNorm(spec, "post_attention_norm", i));
            tensors.AddRange(GatedFfn(spec, i));
            tensors.Add(PostNorm(spec, "post_ffw_norm", i));
        }
        return Head(spec, vocab, tensors);
    }

    /// <summary>Appends output_norm and output.weight.</summary>
    private static List<RandomTensor> Head(RandomModelSpec spec, long vocab, List<RandomTensor> tensors)
    {
        tensors.Add(Norm("output_norm.weight", spec.EmbeddingLength));
        tensors.Add(Output(spec, vocab));
        return tensors;
    }
}
