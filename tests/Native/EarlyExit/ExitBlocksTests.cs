using AwesomeAssertions;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>The exit block a decode reports matches the blocks the scheduler actually computed: the l_out nodes it
/// reached, and the blocks whose output rows exist afterwards.</summary>
public sealed class ExitBlocksTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_fixed_exit_computes_blocks_up_to_the_exit_block_and_no_further(int exitBlock)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var context = session.Context;
        NativeEarlyExit.Install(context, ExitFixtures.RandomJump(session.NEmbd));
        BlockCapture.SetBlocks(context, Enumerable.Range(0, session.NLayer).ToArray());
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(exitBlock, propagate: true));
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);

        Decode(session, prompt, 0);
        NativeEarlyExit.LastLevels(context, 1).Should().Equal(session.NLayer - 1);
        NativeEarlyExit.BlocksComputed(context).Should().Be(session.NLayer, "a multi-token batch runs at full depth");

        Decode(session, [prompt[^1]], prompt.Length);
        NativeEarlyExit.LastLevels(context, 1).Should().Equal(exitBlock);
        NativeEarlyExit.BlocksComputed(context).Should().Be(exitBlock + 1);
        var row = new float[session.NEmbd];
        for (int block = 0; block <= exitBlock; block++)
        {
            BlockCapture.CopyRows(context, new BlockIndex(block), row);
            row.Should().OnlyContain(v => float.IsFinite(v));
        }
        var notComputed = () => BlockCapture.CopyRows(context, new BlockIndex(exitBlock + 1), row);
        notComputed.Should().Throw<LlamaJumpException>().WithMessage("*was not captured*");
    }

    [Fact]
    public void Lambda_above_one_reaches_every_block()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var context = session.Context;
        NativeEarlyExit.Install(context, ExitFixtures.RandomJump(session.NEmbd));
        NativeEarlyExit.SetPolicy(context, new ExitPolicy([0, 1, 2, 3], 1.01f, Propagate: true));
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        Decode(session, prompt, 0);
        Decode(session, [prompt[^1]], prompt.Length);
        NativeEarlyExit.LastLevels(context, 1).Should().Equal(session.NLayer - 1);
        NativeEarlyExit.BlocksComputed(context).Should().Be(session.NLayer);
    }

    [Fact]
    public void Without_a_policy_the_blocks_computed_are_not_available()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        Decode(session, prompt, 0);
        var read = () => NativeEarlyExit.BlocksComputed(session.Context);
        read.Should().Throw<LlamaJumpException>().WithMessage("*without an exit policy*");
    }

    internal static void Decode(ModelSession session, int[] tokens, int firstPosition)
    {
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Length; i++)
        {
            batch.Add((LLamaToken)tokens[i], firstPosition + i, LLamaSeqId.Zero, logits: i == tokens.Length - 1);
        }
        session.Context.Decode(batch).Should().Be(DecodeResult.Ok);
    }
}
