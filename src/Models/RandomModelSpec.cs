using System.Globalization;

namespace LlamaJump.Models;

/// <summary>
/// The hyperparameters of a random-weight model that llama.cpp loads and runs like a trained one: an architecture
/// (<see cref="RandomModelLayout.Architectures"/>) at a chosen width and depth. The tokenizer comes from a
/// vocab-only GGUF given to <see cref="RandomModelBuilder"/>, which also fixes the vocabulary size.
/// </summary>
/// <param name="Architecture">general.architecture, the prefix of the hyperparameter keys.</param>
/// <param name="ContextLength">{arch}.context_length (n_ctx_train).</param>
/// <param name="InitStd">Standard deviation of the random matrices, embeddings and biases; the projections back
/// into the residual stream (attention output, FFN down) get InitStd / sqrt(2·BlockCount), as GPT-2 initialises
/// them, so the residual stream stays of the same order over many blocks. Norm weights are 1 (a post-norm's carry
/// that residual scale instead, see <see cref="RandomModelLayout"/>), norm biases 0.</param>
/// <param name="Seed">Seeds every tensor, together with the tensor's name.</param>
public sealed record RandomModelSpec(
    string Architecture,
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
    /// <summary>A llama model (RMSNorm, RoPE, SwiGLU, separate Q/K/V) of this shape: context 2048, ε 1e-5, RoPE base
    /// 10000, InitStd 0.02.</summary>
    public static RandomModelSpec Llama(uint blocks, uint embd, uint ff, uint heads, uint headsKv, ulong seed) =>
        Of("llama", blocks, embd, ff, heads, headsKv, seed, contextLength: 2048);

    /// <summary>A model of <paramref name="architecture"/> (<see cref="RandomModelLayout.Architectures"/>) of this
    /// shape: ε 1e-5 (RMSNorm's or LayerNorm's, <see cref="RandomModelLayout.Normalization"/>), RoPE base 10000
    /// where the architecture rotates (0, unused, for gpt2), InitStd 0.02.</summary>
    public static RandomModelSpec Of(string architecture, uint blocks, uint embd, uint ff, uint heads, uint headsKv, ulong seed, uint contextLength) =>
        new(architecture, ContextLength: contextLength, EmbeddingLength: embd, BlockCount: blocks, FeedForwardLength: ff,
            HeadCount: heads, HeadCountKv: headsKv, NormEpsilon: 1e-5f, RopeFreqBase: RandomModelLayout.HasRope(architecture) ? 10000f : 0f,
            InitStd: 0.02, Seed: seed);

    /// <summary>LLAMA_MAX_LAYERS in src/llama-hparams.h: the loader refuses more blocks.</summary>
    public const uint MaxBlockCount = 512;

    public uint HeadDim => EmbeddingLength / HeadCount;

    /// <summary>Width of the K and V projections: head_count_kv heads of <see cref="HeadDim"/>.</summary>
    public uint KvWidth => HeadCountKv * HeadDim;

    /// <summary>Scale of the projections that write into the residual stream: 1 / sqrt(2·BlockCount).</summary>
    public double ResidualProjectionScale => 1 / Math.Sqrt(2.0 * BlockCount);

    /// <summary>null: every block at full strength; otherwise the blocks after <see cref="QuietBlocks.After"/> are
    /// quiet (a test model, see <see cref="QuietBlocks"/>).</summary>
    public QuietBlocks? Quiet { get; init; }

    /// <summary>null: the residual stream spans all n_embd coordinates. Otherwise everything written into it — the
    /// token (and gpt2's position) embeddings, the attention output and FFN down projections and their biases —
    /// is zero outside its first StreamRank coordinates, so the stream lies in that subspace (as the hidden states
    /// of trained models occupy a low-dimensional one) and a jump of rank StreamRank or more can represent the
    /// identity on it. A random stream otherwise spans every coordinate, and a jump's rank is below n_embd.</summary>
    public uint? StreamRank { get; init; }

    /// <summary>false: llama's blocks carry attn_q, attn_k and attn_v. true (llama only): one attn_qkv
    /// {n_embd, n_embd + 2·KvWidth} instead, Q, K and V stacked, which llama.cpp's loader accepts in their place
    /// (<c>create_tensor_qkv</c>) and its graph splits.</summary>
    public bool FusedQkv { get; init; }

    /// <summary>A factor on the output projection (output.weight, and output.bias where there is one; none where the
    /// output is tied to token_embd). It leaves every argmax as it is — greedy output does not change — but sharpens
    /// the softmax: at 1 the logits' spread is InitStd·sqrt(n_embd) (0.2–0.6), so
    /// the top probability over a 32k vocabulary is about 1e-4 and no confidence threshold λ in (0, 1] is ever
    /// reached; a factor of tens makes most predictions confident.</summary>
    public double HeadScale { get; init; } = 1;

    /// <summary>The factor on <see cref="InitStd"/> of block <paramref name="block"/>'s attention output and FFN down
    /// projections: <see cref="ResidualProjectionScale"/>, times the quiet scale for a quiet block.</summary>
    public double ResidualScale(int block) => ResidualProjectionScale * (Quiet?.Factor(block) ?? 1);

    /// <summary>The factor on <see cref="InitStd"/> of gpt2's attention output and FFN down biases of block
    /// <paramref name="block"/>: the quiet scale for a quiet block, else 1.</summary>
    public double ResidualBiasScale(int block) => Quiet?.Factor(block) ?? 1;

    /// <summary>What is wrong with this spec for llama.cpp, one short sentence each; empty when nothing is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!RandomModelLayout.Architectures.Contains(Architecture))
            problems.Add($"architecture '{Architecture}' is not one of {string.Join(", ", RandomModelLayout.Architectures)}");
        foreach (var (name, value) in new[] { ("context length", ContextLength), ("n_embd", EmbeddingLength), ("block count", BlockCount),
                     ("n_ff", FeedForwardLength), ("head count", HeadCount), ("KV head count", HeadCountKv) })
        {
            if (value == 0)
                problems.Add($"{name} must be positive");
        }
        if (BlockCount > MaxBlockCount)
            problems.Add($"block count {BlockCount} is above llama.cpp's limit of {MaxBlockCount}");
        if (HeadCount > 0 && EmbeddingLength % HeadCount != 0)
            problems.Add($"n_embd {EmbeddingLength} is not a multiple of the head count {HeadCount}");
        else if (HeadCount > 0 && HeadDim % 4 != 0 && RandomModelLayout.HasPartialRotary(Architecture))
            problems.Add($"the head size n_embd / heads = {HeadDim} is not a multiple of 4; {Architecture}'s RoPE over half the head needs one");
        else if (HeadCount > 0 && HeadDim % 2 != 0 && RandomModelLayout.HasRope(Architecture))
            problems.Add($"the head size n_embd / heads = {HeadDim} is odd; RoPE needs an even one");
        if (HeadCountKv > 0 && HeadCount % HeadCountKv != 0)
            problems.Add($"the head count {HeadCount} is not a multiple of the KV head count {HeadCountKv}");
        if (!(InitStd > 0) || !double.IsFinite(InitStd))
            problems.Add($"InitStd {InitStd.ToString(CultureInfo.InvariantCulture)} must be positive");
        if (!(HeadScale > 0) || !double.IsFinite(HeadScale))
            problems.Add($"the head scale {HeadScale.ToString(CultureInfo.InvariantCulture)} must be positive and finite");
        else if (HeadScale != 1 && !RandomModelLayout.HasOwnOutput(Architecture))
            problems.Add($"{Architecture} ties its output to token_embd, so there is no output.weight for a head scale");
        if (FusedQkv && Architecture != "llama")
            problems.Add($"fused QKV is a llama layout, not one of {Architecture}");
        if (StreamRank is { } rank && (rank == 0 || rank >= EmbeddingLength))
            problems.Add($"the stream rank {rank} must be in 1 … {(int)EmbeddingLength - 1} (below n_embd {EmbeddingLength})");
        if (Quiet is { } quiet)
        {
            if (BlockCount < 2 || quiet.After > BlockCount - 2)
                problems.Add($"quiet after block {quiet.After} leaves no quiet block: it must be in 0 … {(int)BlockCount - 2} for {BlockCount} blocks");
            if (!(quiet.Scale > 0) || !double.IsFinite(quiet.Scale))
                problems.Add($"the quiet scale {quiet.Scale.ToString(CultureInfo.InvariantCulture)} must be positive and finite");
        }
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing <see cref="Problems"/>, if any.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
            throw new ArgumentException($"invalid random model spec: {string.Join("; ", problems)}");
    }
}
