using LLama;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop.EarlyExit;

/// <summary>
/// The early-exit entry points of the patched backend (include/llama-jump.h) on a LLamaSharp context: install a jump,
/// set the policy, read back the exit block of each output and the blocks the scheduler reached, read a KV row.
/// Every call validates natively and throws <see cref="LlamaJumpException"/> with the library's message.
/// </summary>
public static class NativeEarlyExit
{
    public static void Install(LLamaContext context, ExitJump jump)
    {
        ArgumentNullException.ThrowIfNull(jump);
        long h = jump.NEmbd, r = jump.Rank;
        if (jump.Gamma.Length != h || jump.Beta.Length != h || jump.RunningMean.Length != h || jump.RunningVar.Length != h
            || jump.A.Length != h * r || jump.B.Length != h * r)
        {
            throw new ArgumentException($"the jump's arrays do not match n_embd {h} and rank {r}", nameof(jump));
        }
        unsafe
        {
            fixed (float* gamma = jump.Gamma)
            fixed (float* beta = jump.Beta)
            fixed (float* mean = jump.RunningMean)
            fixed (float* variance = jump.RunningVar)
            fixed (float* a = jump.A)
            fixed (float* b = jump.B)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_set_jump(context.NativeHandle,
                    jump.NEmbd, jump.Rank, gamma, beta, mean, variance, jump.Eps, a, b));
            }
        }
    }

    public static void SetPolicy(LLamaContext context, ExitPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        int[] levels = policy.Levels.ToArray();
        unsafe
        {
            fixed (int* p = levels)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_set_policy(context.NativeHandle, p,
                    levels.Length, policy.Lambda, (int)(policy.Propagate ? LlamaJumpFill.Propagate : LlamaJumpFill.None)));
            }
        }
    }

    /// <summary>null when state propagation works on <paramref name="context"/> (its architecture has a K/V path
    /// in the backend and its memory is a single KV cache); otherwise the backend's one-line reason.</summary>
    public static string? PropagationUnavailable(LLamaContext context)
    {
        int status = LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_can_propagate(context.NativeHandle));
        if (status == 1)
        {
            return null;
        }
        unsafe
        {
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)LlamaJumpNative.llama_jump_last_error()) ?? "state propagation is unavailable";
        }
    }

    /// <summary>The block that produced each output of the last decode (n_layer − 1 = full depth).</summary>
    public static int[] LastLevels(LLamaContext context, int outputs)
    {
        var levels = new int[Math.Max(outputs, 1)];
        int n;
        unsafe
        {
            fixed (int* p = levels)
            {
                n = LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_get_levels(context.NativeHandle, p, levels.Length));
            }
        }
        return levels[..n];
    }

    /// <summary>The exit state of the last decode — the output of the block it exited at (n_embd floats) — written to
    /// <paramref name="destination"/>; throws <see cref="LlamaJumpException"/> when the last decode did not exit.</summary>
    public static void CopyExitState(LLamaContext context, Span<float> destination)
    {
        unsafe
        {
            fixed (float* p = destination)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_get_state(context.NativeHandle, p, destination.Length));
            }
        }
    }

    /// <summary>Arms the next decode to compute only blocks <paramref name="firstBlock"/> … n_layer − 1 for the tokens
    /// of <paramref name="sequence"/> at <paramref name="firstPosition"/> onwards, from <paramref name="states"/>
    /// ([tokens][n_embd], the output of block <paramref name="firstBlock"/> − 1): those tokens were decoded through the
    /// earlier blocks already, and their cells keep those K/V (llama_jump_decode_from). The caller then removes the
    /// positions from the sequence and decodes exactly those tokens; that decode fails if the cache would move them.</summary>
    public static void ArmResumedDecode(LLamaContext context, SequenceId sequence, TokenPosition firstPosition, int tokens, BlockIndex firstBlock, ReadOnlySpan<float> states)
    {
        if (states.Length != (long)tokens * context.EmbeddingSize)
            throw new ArgumentException($"states hold {states.Length} floats, {tokens} tokens of n_embd {context.EmbeddingSize} need {(long)tokens * context.EmbeddingSize}", nameof(states));
        unsafe
        {
            fixed (float* p = states)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_decode_from(context.NativeHandle, sequence.Value, firstPosition.Value, tokens, firstBlock.Value, p));
            }
        }
    }

    /// <summary>The exit checks the last decode computed, in order: each candidate block's top softmax probability
    /// and its token, as the graph computed them on the head's device (float softmax).</summary>
    public static ExitCheck[] LastChecks(LLamaContext context)
    {
        int capacity = context.NativeHandle.ModelHandle.LayerCount;
        var blocks = new int[capacity];
        var topP = new float[capacity];
        var tokens = new int[capacity];
        int n;
        unsafe
        {
            fixed (int* pb = blocks)
            fixed (float* pp = topP)
            fixed (int* pt = tokens)
            {
                n = LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_get_checks(context.NativeHandle, pb, pp, pt, capacity));
            }
        }
        var checks = new ExitCheck[n];
        for (int i = 0; i < n; i++)
            checks[i] = new ExitCheck(new BlockIndex(blocks[i]), topP[i], tokens[i]);
        return checks;
    }

    /// <summary>Blocks the scheduler reached in the last decode (needs a policy to have been set for it).</summary>
    public static int BlocksComputed(LLamaContext context) =>
        LlamaJumpException.Check(LlamaJumpNative.llama_jump_exit_blocks_computed(context.NativeHandle));

    /// <summary>Block <paramref name="block"/>'s K and V rows of the cell holding (<paramref name="sequence"/>,
    /// <paramref name="position"/>), as floats.</summary>
    public static (float[] K, float[] V) ReadKv(LLamaContext context, SequenceId sequence, TokenPosition position, BlockIndex block, int nK, int nV)
    {
        var k = new float[nK];
        var v = new float[nV];
        unsafe
        {
            fixed (float* pk = k)
            fixed (float* pv = v)
            {
                LlamaJumpException.Check(LlamaJumpNative.llama_jump_kv_get(context.NativeHandle, sequence.Value, position.Value, block.Value, pk, nK, pv, nV));
            }
        }
        return (k, v);
    }
}
