namespace LlamaJump.Models.Layouts;

/// <summary>
/// The tensors the layouts share, named as in src/llama-arch.cpp and initialised by the conventions of
/// <see cref="RandomModelLayout"/>: norm weights Ones and norm biases Zeros, everything else Random; the projections
/// back into the residual stream (attn_output, ffn_down) scaled by <see cref="RandomModelSpec.ResidualScale"/> and
/// their biases by <see cref="RandomModelSpec.ResidualBiasScale"/>; output.weight and output.bias by
/// <see cref="RandomModelSpec.HeadScale"/>; everything that writes into the stream masked to
/// <see cref="RandomModelSpec.StreamRank"/>. Block tensors take the block index <c>i</c>.
/// </summary>
internal static class LayoutParts
{
    /// <summary>The mask of a tensor whose rows are stream vectors (embeddings, biases).</summary>
    public static StreamMask? Rows(RandomModelSpec spec) => spec.StreamRank is { } d ? new StreamMask(0, d) : null;

    /// <summary>The mask of a projection whose rows are stream coordinates (attn_output, ffn_down).</summary>
    public static StreamMask? Outputs(RandomModelSpec spec) => spec.StreamRank is { } d ? new StreamMask(1, d) : null;

    /// <summary>token_embd.weight {n_embd, n_vocab}.</summary>
    public static RandomTensor TokenEmbedding(RandomModelSpec spec, long vocab) =>
        new("token_embd.weight", [spec.EmbeddingLength, vocab], RandomInit.Random, 1, Rows(spec));

    public static RandomTensor Norm(string name, long width) => new(name, [width], RandomInit.Ones);

    public static RandomTensor NormBias(string name, long width) => new(name, [width], RandomInit.Zeros);

    /// <summary>A norm over n_embd, its weight named <paramref name="name"/>.weight, with a bias when
    /// <paramref name="bias"/>.</summary>
    public static IEnumerable<RandomTensor> Norm(RandomModelSpec spec, string name, bool bias)
    {
        yield return Norm($"{name}.weight", spec.EmbeddingLength);
        if (bias)
            yield return NormBias($"{name}.bias", spec.EmbeddingLength);
    }

    /// <summary>A post-norm over n_embd (post_attention_norm, post_ffw_norm) that normalises a sub-block's output
    /// before it joins the stream: its weights are all <see cref="RandomModelSpec.ResidualScale"/> of the block,
    /// which the normalisation would otherwise undo on attn_output and ffn_down (so quiet blocks stay quiet).</summary>
    public static RandomTensor PostNorm(RandomModelSpec spec, string name, int i) =>
        new($"blk.{i}.{name}.weight", [spec.EmbeddingLength], RandomInit.Constant, spec.ResidualScale(i));

    /// <summary>A matrix {rows, cols} (ggml order: rows is the input width) or a bias {cols}, not writing into the
    /// stream.</summary>
    public static RandomTensor Weight(string name, long rows, long cols) => new(name, [rows, cols], RandomInit.Random);

    public static RandomTensor Bias(string name, long width) => new(name, [width], RandomInit.Random);

    /// <summary>attn_q {n_embd, n_embd}, attn_k and attn_v {n_embd, kv}, with their biases after them when
    /// <paramref name="biases"/> (the optional ones of <c>create_tensor_qkv</c>).</summary>
    public static IEnumerable<RandomTensor> SeparateQkv(RandomModelSpec spec, int i, bool biases)
    {
        long e = spec.EmbeddingLength, kv = spec.KvWidth;
        yield return Weight($"blk.{i}.attn_q.weight", e, e);
        yield return Weight($"blk.{i}.attn_k.weight", e, kv);
        yield return Weight($"blk.{i}.attn_v.weight", e, kv);
        if (!biases)
            yield break;
        yield return Bias($"blk.{i}.attn_q.bias", e);
        yield return Bias($"blk.{i}.attn_k.bias", kv);
        yield return Bias($"blk.{i}.attn_v.bias", kv);
    }

    /// <summary>attn_qkv {n_embd, n_embd + 2·kv}: Q, K and V stacked, as <c>create_tensor_qkv</c> accepts in place
    /// of the three; with its bias {n_embd + 2·kv} when <paramref name="bias"/>.</summary>
    public static IEnumerable<RandomTensor> FusedQkv(RandomModelSpec spec, int i, bool bias)
    {
        long e = spec.EmbeddingLength, qkv = e + 2 * spec.KvWidth;
        yield return Weight($"blk.{i}.attn_qkv.weight", e, qkv);
        if (bias)
            yield return Bias($"blk.{i}.attn_qkv.bias", qkv);
    }

    /// <summary>attn_output {n_embd, n_embd}, writing into the stream.</summary>
    public static RandomTensor AttnOutput(RandomModelSpec spec, int i) =>
        new($"blk.{i}.attn_output.weight", [spec.EmbeddingLength, spec.EmbeddingLength], RandomInit.Random, spec.ResidualScale(i), Outputs(spec));

    /// <summary>ffn_down {n_ff, n_embd}, writing into the stream.</summary>
    public static RandomTensor FfnDown(RandomModelSpec spec, int i) =>
        new($"blk.{i}.ffn_down.weight", [spec.FeedForwardLength, spec.EmbeddingLength], RandomInit.Random, spec.ResidualScale(i), Outputs(spec));

    /// <summary>The bias {n_embd} of attn_output or ffn_down (<paramref name="name"/>), writing into the stream.</summary>
    public static RandomTensor ResidualBias(RandomModelSpec spec, string name, int i) =>
        new($"blk.{i}.{name}.bias", [spec.EmbeddingLength], RandomInit.Random, spec.ResidualBiasScale(i), Rows(spec));

    /// <summary>ffn_gate and ffn_up {n_embd, n_ff}, ffn_down: a gated FFN (SwiGLU, or GeGLU in gemma's graphs).</summary>
    public static IEnumerable<RandomTensor> GatedFfn(RandomModelSpec spec, int i)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength;
        yield return Weight($"blk.{i}.ffn_gate.weight", e, ff);
        yield return Weight($"blk.{i}.ffn_up.weight", e, ff);
        yield return FfnDown(spec, i);
    }

    /// <summary>ffn_up {n_embd, n_ff} and ffn_down with the biases of both: an ungated GELU FFN.</summary>
    public static IEnumerable<RandomTensor> GeluFfnWithBiases(RandomModelSpec spec, int i)
    {
        yield return Weight($"blk.{i}.ffn_up.weight", spec.EmbeddingLength, spec.FeedForwardLength);
        yield return Bias($"blk.{i}.ffn_up.bias", spec.FeedForwardLength);
        yield return FfnDown(spec, i);
        yield return ResidualBias(spec, "ffn_down", i);
    }

    /// <summary>output.weight {n_embd, n_vocab}: the model's own head, not tied to token_embd.</summary>
    public static RandomTensor Output(RandomModelSpec spec, long vocab) =>
        new("output.weight", [spec.EmbeddingLength, vocab], RandomInit.Random, spec.HeadScale);

    /// <summary>output.bias {n_vocab}, scaled with output.weight so that the head scale keeps every argmax.</summary>
    public static RandomTensor OutputBias(RandomModelSpec spec, long vocab) =>
        new("output.bias", [vocab], RandomInit.Random, spec.HeadScale);
}
