using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>How tokens are produced. <see cref="Full"/>: the model as it is. <see cref="Exit"/>: the paper's lossy early
/// exit — stop at the first candidate block whose jumped prediction reaches confidence λ (or at a fixed block).
/// <see cref="Spec"/>: lossless self-speculative decoding — draft through the early-exit path, verify with the full
/// model in one batch, keep the longest agreeing prefix (greedy output equals <see cref="Full"/>).</summary>
public enum GenerationMode
{
    Full,
    Exit,
    Spec,
}
