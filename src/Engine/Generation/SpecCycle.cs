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
    public static IReadOnlyList<GeneratedToken> Run(DecodeState state, int draftBlock, int draftLength, float draftThreshold = 0f)
    {
        int start = state.Position;
        int pending = state.Pending;

        // draft: one-token decodes that always stop after the draft block; no fill (later drafts read blocks up to the
        // draft block only, and the verification below rewrites every draft cell at full depth)
        state.Use(ExitPolicy.Fixed(draftBlock, propagate: false));
        var drafts = new List<int>(draftLength);
        int fed = pending;
        for (int i = 0; i < draftLength; i++)
        {
            var step = new LLamaBatch();
            step.Add((LLamaToken)fed, start + i, LLamaSeqId.Zero, logits: true);
            state.Decode(step, 1, prompt: false);
            var logits = state.Context.NativeHandle.GetLogitsIth(0);
            fed = Maximum.IndexOf(logits);
            if (draftThreshold > 0 && TopProbability(logits, fed) < draftThreshold)
            {
                break; // unsure: neither this draft nor later ones are worth verifying
            }
            drafts.Add(fed);
            if (state.IsEnd(fed))
            {
                break;
            }
        }
        state.Drafted += drafts.Count;

        // verify: the pending token and the drafts (after an exited token awaiting recompute) in one full-depth batch.
        // The exit policy acts on single-output decodes only: a cycle whose drafting was gated away verifies the
        // pending token alone, so the draft policy must be off for it.
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

    /// <summary>softmax(logits)[best] with best the argmax, in double: 1 / Σ exp(l − l_best).</summary>
    internal static double TopProbability(ReadOnlySpan<float> logits, int best)
    {
        double max = logits[best], sum = 0;
        foreach (float l in logits)
            sum += Math.Exp(l - max);
        return 1 / sum;
    }
}
