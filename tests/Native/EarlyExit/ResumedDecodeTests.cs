using AwesomeAssertions;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Tests.Native.Capture;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// A resumed decode (llama_jump_decode_from), the verification of spec mode's shared K/V: tokens drafted through the
/// draft block k, then decoded again from block k + 1 only, from their exit states and into their own cells, give the
/// logits and the cells of a full-depth decode of the same tokens — within the rounding that separates a one-token
/// decode from a batch (the drafts ran blocks ≤ k one token at a time, the reference in one batch).
/// </summary>
public sealed class ResumedDecodeTests(ITestOutputHelper output)
{
    private const int Drafts = 4;

    [Fact]
    public void Resuming_after_the_draft_block_gives_the_logits_and_cells_of_a_full_depth_decode()
    {
        var model = QuietModel.Shared;
        using var session = ExitFixtures.Open(model.ModelPath);
        var context = session.Context;
        int k = QuietModel.QuietAfter, nEmbd = session.NEmbd, nVocab = session.NVocab;
        NativeEarlyExit.Install(context, model.Jump);
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        int start = prompt.Length;

        ExitBlocksTests.Decode(session, prompt, 0);
        int[] tokens = new int[Drafts];
        tokens[0] = Maximum.IndexOf(context.NativeHandle.GetLogitsIth(start - 1));
        var states = new float[Drafts * nEmbd];
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(k, propagate: false));
        for (int i = 0; i < Drafts; i++)
        {
            ExitBlocksTests.Decode(session, [tokens[i]], start + i);
            NativeEarlyExit.CopyExitState(context, states.AsSpan(i * nEmbd, nEmbd));
            if (i + 1 < Drafts)
                tokens[i + 1] = Maximum.IndexOf(context.NativeHandle.GetLogitsIth(0));
        }

        NativeEarlyExit.ArmResumedDecode(context, SequenceId.First, new TokenPosition(start), Drafts, new BlockIndex(k + 1), states);
        context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, start, -1);
        DecodeAll(session, tokens, start);
        NativeEarlyExit.BlocksComputed(context).Should().Be(session.NLayer - k - 1, "only the blocks after the draft block run");
        var resumed = Logits(session, Drafts);
        var resumedCells = KvCells.Read(session, start + Drafts);

        context.NativeHandle.MemoryClear();
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Off);
        ExitBlocksTests.Decode(session, prompt, 0);
        DecodeAll(session, tokens, start);
        var full = Logits(session, Drafts);
        var fullCells = KvCells.Read(session, start + Drafts);

        double largest = full.Max(Math.Abs), logitDiff = Floats.MaxAbsDiff(resumed, full);
        var positions = Enumerable.Range(start, Drafts).ToList();
        var cellDiff = Enumerable.Range(0, session.NLayer).Select(b => KvCells.MaxDiff(resumedCells[b], fullCells[b], positions)).ToList();
        output.WriteLine($"resumed at block {k + 1} vs full depth: max |logit diff| {logitDiff:E2} (largest |logit| {largest:F2}); " +
            $"max |K, V diff| per block {string.Join(", ", cellDiff.Select(d => d.ToString("E2")))}");
        logitDiff.Should().BeLessThan(2e-3 * largest);
        cellDiff.Should().OnlyContain(d => d < 1e-3, "one f16 step: blocks ≤ k from drafting, the rest from the resumed decode");
        for (int i = 0; i < Drafts; i++)
            Maximum.IndexOf(resumed.AsSpan(i * nVocab, nVocab)).Should().Be(Maximum.IndexOf(full.AsSpan(i * nVocab, nVocab)));
    }

    [Fact]
    public void A_batch_other_than_the_armed_one_fails_and_the_next_decode_runs_at_full_depth()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var context = session.Context;
        NativeEarlyExit.Install(context, ExitFixtures.RandomJump(session.NEmbd));
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        ExitBlocksTests.Decode(session, prompt, 0);
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(1, propagate: false));
        ExitBlocksTests.Decode(session, [prompt[^1]], prompt.Length);
        var state = new float[session.NEmbd];
        NativeEarlyExit.CopyExitState(context, state);

        NativeEarlyExit.ArmResumedDecode(context, SequenceId.First, new TokenPosition(prompt.Length), 1, new BlockIndex(2), state);
        context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, prompt.Length, -1);
        var other = new LLamaBatch();
        other.Add((LLamaToken)prompt[^1], prompt.Length + 1, LLamaSeqId.Zero, logits: true); // not the armed position
        context.Decode(other).Should().NotBe(DecodeResult.Ok);

        NativeEarlyExit.SetPolicy(context, new ExitPolicy([1], 2f, Propagate: false));
        ExitBlocksTests.Decode(session, [prompt[^1]], prompt.Length);
        NativeEarlyExit.BlocksComputed(context).Should().Be(session.NLayer, "the arming held for the failed decode only");
    }

    [Fact]
    public void Arming_is_refused_for_positions_without_cells_and_outside_the_llama_family()
    {
        using (var session = ExitFixtures.Open(TestPaths.Stories260K))
        {
            ExitBlocksTests.Decode(session, session.Tokenize(ExitFixtures.Prompt), 0);
            var missing = () => NativeEarlyExit.ArmResumedDecode(session.Context, SequenceId.First, new TokenPosition(400), 1, new BlockIndex(2), new float[session.NEmbd]);
            missing.Should().Throw<LlamaJumpException>().WithMessage("*no cell at position 400*");
            var first = () => NativeEarlyExit.ArmResumedDecode(session.Context, SequenceId.First, new TokenPosition(0), 1, new BlockIndex(0), new float[session.NEmbd]);
            first.Should().Throw<LlamaJumpException>().WithMessage("*first block 0 is out of range*");
        }
        using (var gpt2 = ExitFixtures.Open(TinyModels.Gpt2))
        {
            ExitBlocksTests.Decode(gpt2, gpt2.Tokenize(ExitFixtures.Prompt), 0);
            var arm = () => NativeEarlyExit.ArmResumedDecode(gpt2.Context, SequenceId.First, new TokenPosition(0), 1, new BlockIndex(1), new float[gpt2.NEmbd]);
            arm.Should().Throw<LlamaJumpException>().WithMessage("*llama family, not 'gpt2'*");
        }
    }

    private static void DecodeAll(ModelSession session, int[] tokens, int firstPosition)
    {
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Length; i++)
            batch.Add((LLamaToken)tokens[i], firstPosition + i, LLamaSeqId.Zero, logits: true);
        session.Context.Decode(batch).Should().Be(DecodeResult.Ok);
    }

    private static float[] Logits(ModelSession session, int rows) =>
        Enumerable.Range(0, rows).SelectMany(i => session.Context.NativeHandle.GetLogitsIth(i).ToArray()).ToArray();
}
