using System.Runtime.InteropServices;
using LLama.Native;

namespace LlamaJump.Interop.Native;

// Mirrors include/llama-jump.h (native/patches/0002-capture-and-head.patch). ctx is a llama_context*, passed as
// LLamaSharp's SafeLLamaContextHandle: the marshaller holds a reference for the call, so a context disposed on another
// thread cannot be freed under it. Everything the patch API keeps (captured rows, the installed jump, the exit policy)
// lives inside that context and is freed with it: no other native object crosses this boundary.

/// <summary>enum llama_jump_status</summary>
internal enum LlamaJumpStatus
{
    Ok = 0,
    InvalidArgument = -1,
    UnsupportedArchitecture = -2,
    NotCaptured = -3,
    BufferTooSmall = -4,
    Compute = -5,
    Rpc = -6,
}

internal static unsafe partial class LlamaJumpNative
{
    /// <returns>static per-thread UTF-8 string, valid until the next llama_jump_* call on this thread</returns>
    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial byte* llama_jump_last_error();

    /// <returns>a mask of <see cref="LlamaJumpArchCaps"/>; 0 for an architecture this llama.cpp does not know</returns>
    [LibraryImport(LlamaJumpLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int llama_jump_arch_support(string arch);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_capture_set_layers(SafeLLamaContextHandle ctx, int* layers, int n_layers);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_capture_n_rows(SafeLLamaContextHandle ctx);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_capture_get(SafeLLamaContextHandle ctx, int il, float* dst, long dst_capacity);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_head(SafeLLamaContextHandle ctx, float* hidden, int n_rows, float* logits, long logits_capacity);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_set_jump(SafeLLamaContextHandle ctx, int n_embd, int rank, float* gamma, float* beta,
        float* running_mean, float* running_var, float eps, float* a, float* b);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_set_policy(SafeLLamaContextHandle ctx, int* levels, int n_levels, float lambda, int fill);

    /// <returns>1 when state propagation works on ctx, 0 (the reason in llama_jump_last_error) when not</returns>
    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_can_propagate(SafeLLamaContextHandle ctx);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_get_levels(SafeLLamaContextHandle ctx, int* levels, int capacity);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_get_state(SafeLLamaContextHandle ctx, float* dst, long capacity);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_decode_from(SafeLLamaContextHandle ctx, int seq_id, int pos0, int n_tokens, int first_block, float* states);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_get_checks(SafeLLamaContextHandle ctx, int* blocks, float* top_p, int* tokens, int capacity);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_exit_blocks_computed(SafeLLamaContextHandle ctx);

    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_kv_get(SafeLLamaContextHandle ctx, int seq_id, int pos, int il, float* k, long k_capacity, float* v, long v_capacity);
}

/// <summary>enum llama_jump_arch_caps</summary>
[Flags]
internal enum LlamaJumpArchCaps
{
    Known = 1,
    Head = 2,
    Propagate = 4,
}

/// <summary>enum llama_jump_fill</summary>
internal enum LlamaJumpFill
{
    None = 0,
    Propagate = 1,
}
