using LlamaJump.Gguf;
using LlamaJump.Models.Layouts;

namespace LlamaJump.Models;

/// <summary>A family's normalisation: RMSNorm (ε under {arch}.attention.layer_norm_rms_epsilon) or LayerNorm with
/// biases (ε under {arch}.attention.layer_norm_epsilon).</summary>
public enum RandomModelNorm
{
    Rms,
    Layer,
}

/// <summary>
/// What each architecture's loader in llama.cpp b10361 reads: the hyperparameter keys of <c>load_hparams</c>, and
/// the tensors it creates — exactly those, since the loader refuses a file with tensors it did not ask for. Names
/// from src/llama-arch.cpp, shapes from <c>load_arch_tensors</c> in src/models/&lt;arch&gt;.cpp; one layout per
/// architecture in src/Models/Layouts (<see cref="LlamaLikeLayouts"/>, <see cref="GemmaLayouts"/>,
/// <see cref="LayerNormLayouts"/>), with the optional tensors each family really has (qwen2's Q/K/V biases, the Q/K
/// norms of qwen3, gemma3 and olmo2, the post-norms of gemma2, gemma3 and olmo2 …). Every model carries its own
/// vocab-sized <c>output.weight</c> where the loader allows one (gemma and gemma2 tie the output to token_embd:
/// there is none). The projections back into the residual stream (attn_output, ffn_down) are scaled by
/// <see cref="RandomModelSpec.ResidualScale"/> and their biases by <see cref="RandomModelSpec.ResidualBiasScale"/>
/// (post-norms carry the residual scale as their weight, see <see cref="RandomInit.Constant"/>), output.weight and
/// output.bias by <see cref="RandomModelSpec.HeadScale"/>; with a <see cref="RandomModelSpec.StreamRank"/>
/// everything that writes into the stream carries a <see cref="StreamMask"/>. Norm weights are 1, norm biases 0,
/// every other bias random.
/// </summary>
public static class RandomModelLayout
{
    /// <summary>The architectures with a layout: the paper's three families first.</summary>
    public static IReadOnlyList<string> Architectures { get; } =
        ["llama", "gpt2", "phi3", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi2", "stablelm", "starcoder2", "olmo2", "granite"];

    private static readonly Dictionary<string, ArchitectureLayout> Layouts =
        LlamaLikeLayouts.All.Concat(GemmaLayouts.All).Concat(LayerNormLayouts.All).ToDictionary(l => l.Name, StringComparer.Ordinal);

    /// <summary>Whether the architecture rotates Q and K (RoPE) rather than adding learned positions (only gpt2
    /// does, of these); true for a name with no layout.</summary>
    public static bool HasRope(string architecture) => Find(architecture)?.Rope != RopeSpan.None;

    /// <summary>Whether RoPE covers only the first half of each head (phi2, stablelm), which needs a head size
    /// divisible by 4.</summary>
    public static bool HasPartialRotary(string architecture) => Find(architecture)?.Rope == RopeSpan.Half;

    /// <summary>Whether the model has an output.weight of its own; gemma and gemma2 tie the output to token_embd, so
    /// <see cref="RandomModelSpec.HeadScale"/> has nothing to scale there.</summary>
    public static bool HasOwnOutput(string architecture) => Find(architecture)?.TiedOutput != true;

    /// <summary>The family's normalisation; RMSNorm for a name with no layout.</summary>
    public static RandomModelNorm Normalization(string architecture) => Find(architecture)?.Norm ?? RandomModelNorm.Rms;

    /// <summary>{arch}.rope.dimension_count: the head size, or half of it with partial rotary.</summary>
    public static uint RopeDimensionCount(RandomModelSpec spec) => HasPartialRotary(spec.Architecture) ? spec.HeadDim / 2 : spec.HeadDim;

    /// <summary>Sets the {arch}.* hyperparameter keys of <paramref name="spec"/>: those every architecture reads, the
    /// ε key of its normalisation, RoPE's where it rotates, then the family's own.</summary>
    public static void WriteHyperparameters(GgufWriter writer, RandomModelSpec spec, long vocabSize)
    {
        var layout = Get(spec);
        string arch = spec.Architecture;
        writer.SetMetadata($"{arch}.context_length", spec.ContextLength)
            .SetMetadata($"{arch}.embedding_length", spec.EmbeddingLength)
            .SetMetadata($"{arch}.block_count", spec.BlockCount)
            .SetMetadata($"{arch}.feed_forward_length", spec.FeedForwardLength)
            .SetMetadata($"{arch}.attention.head_count", spec.HeadCount)
            .SetMetadata($"{arch}.attention.head_count_kv", spec.HeadCountKv);
        writer.SetMetadata(layout.Norm == RandomModelNorm.Rms ? $"{arch}.attention.layer_norm_rms_epsilon" : $"{arch}.attention.layer_norm_epsilon",
            spec.NormEpsilon);
        if (layout.Rope != RopeSpan.None)
        {
            writer.SetMetadata($"{arch}.rope.dimension_count", RopeDimensionCount(spec))
                .SetMetadata($"{arch}.rope.freq_base", spec.RopeFreqBase);
        }
        layout.WriteKeys?.Invoke(writer, spec, vocabSize);
    }

    /// <summary>The tensors of the model, in file order.</summary>
    public static IReadOnlyList<RandomTensor> Tensors(RandomModelSpec spec, long vocabSize) => Get(spec).Tensors(spec, vocabSize);

    private static ArchitectureLayout? Find(string architecture) => Layouts.GetValueOrDefault(architecture);

    private static ArchitectureLayout Get(RandomModelSpec spec) =>
        Find(spec.Architecture) ?? throw new ArgumentOutOfRangeException(nameof(spec), spec.Architecture, "no layout for this architecture");
}
