using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>The batched capture decode the dump uses: identities between its outputs.</summary>
public sealed class CaptureDecoderTests
{
    [Fact]
    public void Top1_and_its_log_probability_come_from_the_head_of_the_last_block()
    {
        using var session = ModelSession.Open(TestPaths.Stories260K, new SessionOptions(SequenceCount: 4, MaxTokens: 64, Threads: 1));
        var decoder = new CaptureDecoder(session);
        var sequences = new[] { "Once upon a time", "The cat sat on the", "Lily wanted to play with her" }.Select(session.Tokenize).ToList();

        var batch = decoder.Decode(sequences);

        batch.Hidden.Should().HaveCount(session.NLayer * sequences.Count * session.NEmbd);
        var logits = new float[sequences.Count * session.NVocab];
        OutputHead.Apply(session.Context, batch.Block(session.NLayer - 1), sequences.Count, logits);
        for (int s = 0; s < sequences.Count; s++)
        {
            var row = logits.AsSpan(s * session.NVocab, session.NVocab);
            var (token, logProb) = CaptureDecoder.Top1(row);
            batch.Top1[s].Should().Be(token);
            batch.Top1LogProb[s].Should().BeApproximately(logProb, 1e-5f);
            batch.Top1LogProb[s].Should().BeLessThanOrEqualTo(0);
        }
    }

    [Fact]
    public void Log_softmax_of_the_top1_matches_a_hand_computed_case()
    {
        // logits (1, 3, 2): softmax of 3 is e^3 / (e + e^3 + e^2)
        var (token, logProb) = CaptureDecoder.Top1([1f, 3f, 2f]);
        token.Should().Be(1);
        logProb.Should().BeApproximately((float)(3 - Math.Log(Math.Exp(1) + Math.Exp(3) + Math.Exp(2))), 1e-6f);
    }

    [Fact]
    public void Batches_are_independent_of_what_was_decoded_before()
    {
        using var session = ModelSession.Open(TestPaths.Stories260K, new SessionOptions(SequenceCount: 2, MaxTokens: 64, Threads: 1));
        var decoder = new CaptureDecoder(session);
        var tokens = session.Tokenize("The little dog ran to the");
        var first = decoder.Decode([tokens]);
        decoder.Decode([session.Tokenize("Something else entirely, a long sentence about a bear"), session.Tokenize("and more")]);
        var again = decoder.Decode([tokens]);
        again.Block(2).ToArray().Should().Equal(first.Block(2).ToArray());
        again.Top1.Should().Equal(first.Top1);
    }

    [Fact]
    public void Too_many_sequences_or_tokens_are_refused()
    {
        using var session = ModelSession.Open(TestPaths.Stories260K, new SessionOptions(SequenceCount: 2, MaxTokens: 8, Threads: 1));
        var decoder = new CaptureDecoder(session);
        var three = () => decoder.Decode([[1, 2], [1, 3], [1, 4]]);
        three.Should().Throw<ArgumentException>().WithMessage("*3 sequences*");
        var longOne = () => decoder.Decode([Enumerable.Repeat(5, 9).ToArray()]);
        longOne.Should().Throw<ArgumentException>().WithMessage("*9 tokens*");
    }
}
