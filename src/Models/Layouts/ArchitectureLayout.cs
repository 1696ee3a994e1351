using LlamaJump.Gguf;

namespace LlamaJump.Models.Layouts;

/// <summary>How an architecture encodes positions: not at all in attention (gpt2's learned position embeddings),
/// RoPE over the whole head, or RoPE over its first half (phi2's and stablelm's partial rotary, whose
/// rope.dimension_count is half the head size).</summary>
internal enum RopeSpan
{
    None,
    Full,
    Half,
}

/// <summary>
/// What one architecture's loader in llama.cpp b10361 (src/models/&lt;arch&gt;.cpp) asks of a file: its
/// normalisation (which of the two ε keys <c>load_arch_hparams</c> requires), its RoPE span, the family's own keys
/// beyond those every architecture shares (<paramref name="WriteKeys"/>, called after the shared ones), and the
/// tensors <c>load_arch_tensors</c> creates (<paramref name="Tensors"/>, given the spec and the vocabulary size) —
/// exactly those, since the loader refuses a file with tensors it did not ask for. <see cref="TiedOutput"/>: the
/// loader takes no output.weight and reuses token_embd as the output projection.
/// </summary>
internal sealed record ArchitectureLayout(
    string Name,
    RandomModelNorm Norm,
    RopeSpan Rope,
    Func<RandomModelSpec, long, List<RandomTensor>> Tensors,
    Action<GgufWriter, RandomModelSpec, long>? WriteKeys = null)
{
    public bool TiedOutput { get; init; }
}
