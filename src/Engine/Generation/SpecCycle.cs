using LLama;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// One cycle of self-speculative decoding (see <see cref="EarlyExitGenerator"/>). On entry the KV cache holds every
/// position before <see cref="DecodeState.Position"/> at full depth (or names one exited token to recompute) and
/// <see cref="DecodeState.Pending"/> is the full model's next token. On exit the same holds for the new position.
/// Returns the emitted tokens: accepted drafts (exit layer = draft block, DraftAccepted = true), then the full
/// model's own token (full depth, DraftAccepted = false), or <see cref="EarlyExitGenerator.EndMarker"/> in its place
/// when that token ends the text.
/// </summary>
internal static class SpecCycle
{
    /// <param name="draftThreshold">0: draft <paramref name="draftLength"/> tokens; above 0: stop at the first draft
    /// whose top softmax probability is below it (that draft is dropped; with none left the cycle is the pending
    /// token's full step)</param>
    /// <param name="sharedKv">verify from the block after the draft block with the drafts' states and K/V (where the
    /// model's graph can resume and no exited token awaits recompute); otherwise verify at full depth</param>
    public static IReadOnlyList<GeneratedToken> Run(DecodeState state, int draftBlock, int draftLength, float draftThreshold = 0f, bool sharedKv = false)
    {
        int start = state.Position;
        int pending = state.Pending;
        bool shared = sharedKv && state.Resumable && state.Recompute is null && draftBlock + 1 < state.NLayer;

        // draft: one-token decodes that always stop after the draft block; no fill (later drafts read blocks up to the
        // draft block only, and the verification below writes every later block of every draft cell). Shared: every
        // kept draft is decoded too, so that each verified token has its state after the draft block.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // gated: the pending token's decode checks the draft block in the graph — confident, it stops there (the first
        // draft); unsure, the same decode runs on to full depth and the cycle is that token's plain full step. Later
        // drafts always stop at the draft block (same branch, so the same graph) and are gated on the host.
        bool gateInGraph = draftThreshold > 0 && state.Recompute is null;
        state.Use(gateInGraph ? new ExitPolicy([draftBlock], draftThreshold, Propagate: false) : ExitPolicy.Fixed(draftBlock, propagate: false));
        var drafts = new List<int>(draftLength);
        var states = shared ? new float[(draftLength + 1) * state.Context.EmbeddingSize] : null;
        int fed = pending;
        for (int i = 0; i < draftLength + (shared ? 1 : 0); i++)
        {
            if (i == 1 && gateInGraph)
                state.Use(ExitPolicy.Fixed(draftBlock, propagate: false));
            var step = new LLamaBatch();
            step.Add((LLamaToken)fed, start + i, LLamaSeqId.Zero, logits: true);
            int level = state.Decode(step, 1, prompt: false)[0];
            if (i == 0 && gateInGraph && level != draftBlock)
                return FullStep(state, start);
            if (states is not null)
                NativeEarlyExit.CopyExitState(state.Context, states.AsSpan(i * state.Context.EmbeddingSize, state.Context.EmbeddingSize));
            if (drafts.Count == draftLength)
                break; // shared: the last kept draft is decoded now; the draft after it is not kept
            var logits = state.Context.NativeHandle.GetLogitsIth(0);
            fed = Maximum.IndexOf(logits);
            if (draftThreshold > 0 && TopProbability(logits, fed) < draftThreshold)
                break; // unsure: neither this draft nor later ones are worth verifying
            if (shared && state.IsEnd(fed))
                break; // not decoded, so not kept: the verification's own token ends the text there if the model agrees
            drafts.Add(fed);
            if (state.IsEnd(fed))
                break;
        }
        state.Drafted += drafts.Count;
        state.DraftTime += clock.Elapsed;

        clock.Restart();
        int first = 0; // the batch index of the pending token in the verification
        bool verified = shared && VerifyResumed(state, start, pending, drafts, draftBlock + 1, states!);
        if (!verified)
            first = VerifyAtFullDepth(state, start, pending, drafts);
        state.VerifyTime += clock.Elapsed;
        if (verified)
            state.SharedVerifications++;
        else
            state.FullVerifications++;

        var emitted = new List<GeneratedToken>(drafts.Count + 1);
        for (int i = 0; ; i++)
        {
            int full = state.Choose(first + i);
            if (i < drafts.Count && full == drafts[i] && !state.IsEnd(full))
            {
                state.Accepted++;
                emitted.Add(state.Emit(full, draftBlock, draftAccepted: true));
                continue;
            }
            // positions start … start + i now hold the pending token and the accepted drafts at full depth
            state.RemoveFrom(start + 1 + i);
            state.Position = start + 1 + i;
            state.Pending = full;
            emitted.Add(state.IsEnd(full) ? EarlyExitGenerator.EndMarker : state.Emit(full, state.NLayer - 1, draftAccepted: false));
            return emitted;
        }
    }

    /// <summary>The cycle whose first draft was unsure: the pending token's decode ran to full depth, so its cell is
    /// complete and the logits are the full model's; emits the full model's token. Its time counts as neither
    /// drafting nor verification.</summary>
    private static IReadOnlyList<GeneratedToken> FullStep(DecodeState state, int start)
    {
        int full = state.Choose(0);
        state.Position = start + 1;
        state.Pending = full;
        return [state.IsEnd(full) ? EarlyExitGenerator.EndMarker : state.Emit(full, state.NLayer - 1, draftAccepted: false)];
    }

    /// <summary>The pending token and the drafts, resumed at <paramref name="firstBlock"/> from their states: their cells
    /// keep the K/V drafting wrote for the blocks before it. False when llama.cpp refused (the positions are then gone
    /// from the cache).</summary>
    private static bool VerifyResumed(DecodeState state, int start, int pending, List<int> drafts, int firstBlock, float[] states)
    {
        int n = drafts.Count + 1;
        try
        {
            NativeEarlyExit.ArmResumedDecode(state.Context, SequenceId.First, new TokenPosition(start), n, new BlockIndex(firstBlock),
                states.AsSpan(0, n * state.Context.EmbeddingSize));
        }
        catch (LlamaJumpException)
        {
            return false; // e.g. a draft cell missing: verify at full depth
        }
        state.RemoveFrom(start);
        var verify = new LLamaBatch();
        verify.Add((LLamaToken)pending, start, LLamaSeqId.Zero, logits: true);
        for (int i = 0; i < drafts.Count; i++)
            verify.Add((LLamaToken)drafts[i], start + 1 + i, LLamaSeqId.Zero, logits: true);
        return state.TryDecodeResumed(verify, firstBlock);
    }

    /// <summary>The pending token and the drafts (after an exited token awaiting recompute) in one full-depth batch.
    /// The exit policy acts on single-output decodes only: a cycle whose drafting was gated away verifies the pending
    /// token alone, so the draft policy must be off for it. Returns the batch index of the pending token.</summary>
    private static int VerifyAtFullDepth(DecodeState state, int start, int pending, List<int> drafts)
    {
        if (drafts.Count == 0)
        {
            state.Use(ExitPolicy.Off);
        }
        var verify = new LLamaBatch();
        if (state.Recompute is { } redo)
        {
            state.RemoveFrom(redo.Position);
            verify.Add((LLamaToken)redo.Token, redo.Position, LLamaSeqId.Zero, logits: false);
            state.Recompute = null;
        }
        else
        {
            state.RemoveFrom(start);
        }
        int first = verify.TokenCount;
        verify.Add((LLamaToken)pending, start, LLamaSeqId.Zero, logits: true);
        for (int i = 0; i < drafts.Count; i++)
        {
            verify.Add((LLamaToken)drafts[i], start + 1 + i, LLamaSeqId.Zero, logits: true);
        }
        state.Decode(verify, drafts.Count + 1, prompt: false);
        return first;
    }

    /// <summary>softmax(logits)[best] with best the argmax, in double: 1 / Σ exp(l − l_best).</summary>
    internal static double TopProbability(ReadOnlySpan<float> logits, int best)
    {
        double max = logits[best], sum = 0;
        foreach (float l in logits)
            sum += Math.Exp(l - max);
        return 1 / sum;
    }
}
