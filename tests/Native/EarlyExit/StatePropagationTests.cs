using AwesomeAssertions;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Gguf;
using LlamaJump.Tests.Native.Capture;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// After an exit at block k, the K/V the backend wrote for every skipped block j > k equal what block j's own
/// projections give for the exit state h^k (computed independently by <see cref="ReferenceKv"/> from the GGUF), and
/// the recompute fill leaves the same K/V as decoding the token at full depth. On quantised weights (the tiny llama
/// in Q8_0 and Q4_0) the reference multiplies the dequantised weights, in double, by the activation rounded to Q8_0
/// as ggml's mat-mul rounds it; without that rounding the two differ by 4–7e-3 of the largest K or V. The same
/// tolerance holds for both: the f16 cache's rounding and summation order. The control below shows unwritten cells
/// miss by more than 0.5.
/// </summary>
public sealed class StatePropagationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("stories260K", 0)]
    [InlineData("stories260K", 2)]
    [InlineData("q8_0", 0)]
    [InlineData("q8_0", 1)]
    [InlineData("q4_0", 1)]
    public void Skipped_blocks_hold_their_own_projections_of_the_exit_state(string model, int exitBlock)
    {
        bool quantized = model != "stories260K";
        string path = quantized
            ? TinyModels.PathOf(TinyModelSpec.Llama, model == "q8_0" ? GgmlType.Q8_0 : GgmlType.Q4_0)
            : TestPaths.Stories260K;
        using var session = ExitFixtures.Open(path);
        var context = session.Context;
        var reference = new ReferenceKv(path);
        NativeEarlyExit.Install(context, ExitFixtures.RandomJump(session.NEmbd));
        BlockCapture.SetBlocks(context, [exitBlock]);
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(exitBlock, propagate: true));
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        ExitBlocksTests.Decode(session, prompt, 0);
        int pos = prompt.Length;
        ExitBlocksTests.Decode(session, [prompt[^1]], pos);
        NativeEarlyExit.LastLevels(context, 1).Should().Equal(exitBlock);
        var h = new float[session.NEmbd];
        BlockCapture.CopyRows(context, new BlockIndex(exitBlock), h);

        for (int block = exitBlock + 1; block < session.NLayer; block++)
        {
            var (k, v) = NativeEarlyExit.ReadKv(context, SequenceId.First, new TokenPosition(pos), new BlockIndex(block), reference.KvWidth, reference.KvWidth);
            var (expectedK, expectedV) = reference.Compute(block, h, pos);
            double errK = RelativeError(k, expectedK), errV = RelativeError(v, expectedV);
            output.WriteLine($"{model}, block {block}: K rel err {errK:E2}, V rel err {errV:E2} (f16 cache)");
            errK.Should().BeLessThan(2e-3);
            errV.Should().BeLessThan(2e-3);
        }
    }

    [Fact]
    public void Without_a_fill_the_skipped_blocks_do_not_hold_the_propagated_values()
    {
        // the control for the test above: the comparison detects K/V that were not written
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var context = session.Context;
        var reference = new ReferenceKv(TestPaths.Stories260K);
        NativeEarlyExit.Install(context, ExitFixtures.RandomJump(session.NEmbd));
        BlockCapture.SetBlocks(context, [1]);
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(1, propagate: false));
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        ExitBlocksTests.Decode(session, prompt, 0);
        ExitBlocksTests.Decode(session, [prompt[^1]], prompt.Length);
        var h = new float[session.NEmbd];
        BlockCapture.CopyRows(context, new BlockIndex(1), h);
        var (k, _) = NativeEarlyExit.ReadKv(context, SequenceId.First, new TokenPosition(prompt.Length), new BlockIndex(3), reference.KvWidth, reference.KvWidth);
        RelativeError(k, reference.Compute(3, h, prompt.Length).K).Should().BeGreaterThan(0.5);
    }

    [Fact]
    public void Recompute_leaves_the_same_kv_as_a_full_depth_decode()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var context = session.Context;
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        int pos = prompt.Length;
        int[] next = [prompt[^1], prompt[1]];

        // reference: everything at full depth
        ExitBlocksTests.Decode(session, prompt, 0);
        ExitBlocksTests.Decode(session, next, pos);
        var expected = Enumerable.Range(0, session.NLayer).Select(b => NativeEarlyExit.ReadKv(context, SequenceId.First, new TokenPosition(pos), new BlockIndex(b), 64, 64)).ToList();

        // exit at block 1 without a fill, then the recompute: remove the cell, decode it again with the next token
        context.NativeHandle.MemoryClear();
        NativeEarlyExit.Install(context, ExitFixtures.RandomJump(session.NEmbd));
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(1, propagate: false));
        ExitBlocksTests.Decode(session, prompt, 0);
        ExitBlocksTests.Decode(session, [next[0]], pos);
        NativeEarlyExit.LastLevels(context, 1).Should().Equal(1);
        context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, pos, -1);
        ExitBlocksTests.Decode(session, next, pos);

        for (int block = 0; block < session.NLayer; block++)
        {
            var (k, v) = NativeEarlyExit.ReadKv(context, SequenceId.First, new TokenPosition(pos), new BlockIndex(block), 64, 64);
            Floats.MaxAbsDiff(k, expected[block].K).Should().BeLessThan(1e-3, $"block {block} K");
            Floats.MaxAbsDiff(v, expected[block].V).Should().BeLessThan(1e-3, $"block {block} V");
        }
    }

    private static double RelativeError(float[] actual, double[] expected) => FamilyPropagationTests.RelativeError(actual, expected);
}
