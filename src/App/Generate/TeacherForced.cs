using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.App.Generate;

/// <summary>
/// Agreement of generated tokens with the full model, teacher-forced: one full-depth pass over prompt + generated
/// tokens gives the full model's greedy choice after every prefix; the agreement is the fraction of generated tokens
/// equal to it. Clears the context's KV cache and turns its exit policy off.
/// </summary>
public static class TeacherForced
{
    public static double Agreement(ModelSession session, IReadOnlyList<int> prompt, IReadOnlyList<int> generated)
    {
        if (generated.Count == 0)
            return 1;
        var context = session.Context;
        session.ClearMemory();
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Off);
        var batch = new LLamaBatch();
        var sequence = prompt.Concat(generated).ToArray();
        for (int i = 0; i < sequence.Length; i++)
            batch.Add((LLamaToken)sequence[i], i, LLamaSeqId.Zero, logits: i >= prompt.Count - 1);
        if (context.Decode(batch) != DecodeResult.Ok)
            throw new InvalidOperationException("llama_decode failed on the agreement pass");
        int agree = 0;
        for (int i = 0; i < generated.Count; i++)
        {
            if (CaptureDecoder.Top1(context.NativeHandle.GetLogitsIth(prompt.Count - 1 + i)).Token == generated[i])
                agree++;
        }
        return (double)agree / generated.Count;
    }

    /// <summary>The fraction of positions where two generations hold the same token (the longer one's length).</summary>
    public static double SequenceAgreement(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int positions = Math.Max(a.Count, b.Count);
        if (positions == 0)
            return 1;
        int same = 0;
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            if (a[i] == b[i])
                same++;
        }
        return (double)same / positions;
    }
}
