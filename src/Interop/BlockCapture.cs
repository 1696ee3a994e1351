using LLama;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>
/// Keeps the residual stream after chosen transformer blocks (the graph's <c>l_out-&lt;il&gt;</c>) for every token that
/// requests output in a decode. Rows come back in the order of the logits: row j belongs to the j-th output token of
/// the last batch. Block L−1 is the last block's output, the input of the model's head.
/// </summary>
public static class BlockCapture
{
    /// <summary>Captures <paramref name="blocks"/> from the next decode on (empty: stop). Each block must be in [0, n_layer).</summary>
    /// <exception cref="LlamaJumpException">a block is out of range</exception>
    public static void SetBlocks(LLamaContext context, ReadOnlySpan<int> blocks)
    {
        NativeBackend.Initialize();
        unsafe
        {
            fixed (int* p = blocks)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_capture_set_layers(context.NativeHandle, p, blocks.Length));
            }
        }
    }

    /// <summary>Rows (output tokens) captured per block by the last decode.</summary>
    public static int RowCount(LLamaContext context) =>
        LlamaJumpException.Check(LlamaJumpNative.llama_jump_capture_n_rows(context.NativeHandle));

    /// <summary>Copies block <paramref name="block"/>'s rows, [RowCount][n_embd] row-major, into <paramref name="destination"/>.</summary>
    /// <exception cref="LlamaJumpException">the block was not captured, or <paramref name="destination"/> is too small</exception>
    public static void CopyRows(LLamaContext context, BlockIndex block, Span<float> destination)
    {
        unsafe
        {
            fixed (float* p = destination)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_capture_get(context.NativeHandle, block.Value, p, destination.Length));
            }
        }
    }
}
