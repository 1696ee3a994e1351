using LLama;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>
/// The model's own output head — final norm, output projection and whatever its graph does after the last block —
/// applied to any batch of hidden vectors (llama_jump_head). For the last block's captured rows it reproduces the
/// logits llama.cpp computes. Supported architectures: those with <see cref="ArchitectureSupport.Head"/>; the graph runs
/// on the context's own backends (its GPU where layers are offloaded).
/// </summary>
public static class OutputHead
{
    /// <param name="hidden">[rows][n_embd] row-major</param>
    /// <param name="logits">receives [rows][n_vocab] row-major</param>
    /// <exception cref="LlamaJumpException">unsupported architecture, or a size that does not fit</exception>
    public static void Apply(LLamaContext context, ReadOnlySpan<float> hidden, int rows, Span<float> logits)
    {
        int nEmbd = context.EmbeddingSize;
        if (rows <= 0 || hidden.Length < (long)rows * nEmbd)
        {
            throw new ArgumentException($"hidden holds {hidden.Length} floats, {rows} rows of n_embd {nEmbd} need {(long)rows * nEmbd}", nameof(hidden));
        }
        unsafe
        {
            fixed (float* h = hidden)
            fixed (float* l = logits)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_head(context.NativeHandle, h, rows, l, logits.Length));
            }
        }
    }
}
