using System.Globalization;

namespace LlamaJump.Interop.Models;

/// <summary>
/// The hyperparameters of a random-weight model that llama.cpp loads and runs like a trained one: an architecture
/// (<see cref="RandomModelLayout.Architectures"/>) at a chosen width and depth. The tokenizer comes from a
/// vocab-only GGUF given to <see cref="RandomModelBuilder"/>, which also fixes the vocabulary size.
/// </summary>
/// <param name="Architecture">general.architecture, the prefix of the hyperparameter keys.</param>
/// <param name="ContextLength">{arch}.context_length (n_ctx_train).</param>
/// <param name="InitStd">Standard deviation of the random matrices, embeddings and biases; the projections back
/// into the residual stream (attention output, FFN down) get InitStd / sqrt(2·BlockCount), as GPT-2 initialises
/// them, so the residual stream stays of the same order over many blocks. Norm weights are 1, norm biases 0.</param>
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
        new("llama", ContextLength: 2048, EmbeddingLength: embd, BlockCount: blocks, FeedForwardLength: ff,
            HeadCount: heads, HeadCountKv: headsKv, NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: seed);

    /// <summary>LLAMA_MAX_LAYERS in src/llama-hparams.h: the loader refuses more blocks.</summary>
    public const uint MaxBlockCount = 512;

    public uint HeadDim => EmbeddingLength / HeadCount;

    /// <summary>Width of the K and V projections: head_count_kv heads of <see cref="HeadDim"/>.</summary>
    public uint KvWidth => HeadCountKv * HeadDim;

    /// <summary>Scale of the projections that write into the residual stream: 1 / sqrt(2·BlockCount).</summary>
    public double ResidualProjectionScale => 1 / Math.Sqrt(2.0 * BlockCount);

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
        else if (HeadCount > 0 && HeadDim % 2 != 0 && RandomModelLayout.HasRope(Architecture))
            problems.Add($"the head size n_embd / heads = {HeadDim} is odd; RoPE needs an even one");
        if (HeadCountKv > 0 && HeadCount % HeadCountKv != 0)
            problems.Add($"the head count {HeadCount} is not a multiple of the KV head count {HeadCountKv}");
        if (!(InitStd > 0) || !double.IsFinite(InitStd))
            problems.Add($"InitStd {InitStd.ToString(CultureInfo.InvariantCulture)} must be positive");
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
