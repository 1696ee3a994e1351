using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>The model's own head on captured hidden states (llama_jump_head) reproduces llama.cpp's logits.</summary>
public sealed class HeadTests
{
    [Fact]
    public void Head_of_the_captured_last_block_equals_the_logits_llama_cpp_returns()
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        session.CaptureAllBlocks();
        int[] tokens = session.Tokenize("Lily and Ben went to the park. They saw a big dog");
        session.Decode([tokens], (_, _) => true);
        int rows = BlockCapture.RowCount(session.Context);
        rows.Should().Be(tokens.Length);

        var logits = new float[rows * session.NVocab];
        OutputHead.Apply(session.Context, session.Rows(session.NLayer - 1), rows, logits);

        double worst = 0;
        for (int i = 0; i < rows; i++)
        {
            var expected = session.Context.NativeHandle.GetLogitsIth(i);
            double diff = Floats.MaxAbsDiff(logits.AsSpan(i * session.NVocab, session.NVocab), expected);
            worst = Math.Max(worst, diff);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"stories260K: max |head(h^(L-1)) - llama logits| = {worst:E2} over {rows} rows");
        worst.Should().BeLessThan(1e-4);
    }

    [Fact]
    public void Head_on_an_earlier_block_gives_different_finite_logits()
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        session.CaptureAllBlocks();
        session.Decode([session.Tokenize("Once upon a time")], (_, i) => i == 4);
        var lens = new float[session.NVocab];
        OutputHead.Apply(session.Context, session.Rows(0), 1, lens);
        lens.Should().OnlyContain(x => float.IsFinite(x));
        Floats.MaxAbsDiff(lens, session.Context.NativeHandle.GetLogitsIth(4)).Should().BeGreaterThan(1e-2);
    }

    [Fact]
    public void The_head_gives_the_same_logits_whatever_was_computed_before_on_the_context()
    {
        // the head keeps one scheduler on the context's backends: graphs of other sizes and decodes in between must
        // not leave anything behind
        using var session = new CaptureSession(TestPaths.Stories260K);
        session.CaptureAllBlocks();
        int[] tokens = session.Tokenize("Lily and Ben went to the park. They saw a big dog");
        session.Decode([tokens], (_, _) => true);
        int rows = BlockCapture.RowCount(session.Context), nVocab = session.NVocab;
        float[] hidden = session.Rows(2);
        var first = new float[rows * nVocab];
        OutputHead.Apply(session.Context, hidden, rows, first);

        var single = new float[nVocab];
        for (int i = 0; i < rows; i++)
        {
            OutputHead.Apply(session.Context, hidden.AsSpan(i * session.NEmbd, session.NEmbd), 1, single);
            Floats.MaxAbsDiff(single, first.AsSpan(i * nVocab, nVocab)).Should().BeLessThan(1e-4, $"row {i} alone and in the batch");
        }
        session.Decode([session.Tokenize("Once upon a time")], (_, _) => true);
        var again = new float[rows * nVocab];
        OutputHead.Apply(session.Context, hidden, rows, again);
        again.Should().Equal(first, "the same graph on the same inputs after other graphs and a decode");
    }

    [Fact]
    public void A_hidden_span_shorter_than_its_rows_is_refused()
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        var apply = () => OutputHead.Apply(session.Context, new float[session.NEmbd], 2, new float[2 * session.NVocab]);
        apply.Should().Throw<ArgumentException>();
    }
}
