using System.Text.Json;
using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.StockReference;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>Block capture (llama_jump_capture_*) on stories260K: against the stock eval callback, across batches of
/// several sequences, and its argument validation.</summary>
public sealed class CaptureTests
{
    private sealed record StockCase(string Prompt, int[] Tokens, float[][] Blocks);
    private sealed record StockFixture(string ModelSha256, int NEmbd, List<StockCase> Cases);

    private static readonly Lazy<StockFixture> Stock = new(() => JsonSerializer.Deserialize<StockFixture>(
        File.ReadAllText(TestPaths.Fixture("stock-llamasharp-0.30.0-stories260K-l_out.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!);

    [Fact]
    public void Captured_rows_are_exactly_the_l_out_tensors_our_eval_callback_sees()
    {
        // the same library, once through llama.cpp's eval callback (cb_eval, no capture) and once through capture
        using var session = new CaptureSession(TestPaths.Stories260K);
        foreach (var prompt in ReferenceRuns.Prompts)
        {
            var viaCallback = HiddenStateRecorder.Record(session.Weights, prompt);
            session.CaptureAllBlocks();
            session.Decode([viaCallback.Tokens], (_, _) => true);
            for (int block = 0; block < session.NLayer; block++)
            {
                session.Rows(block).Should().Equal(viaCallback.Blocks[block], $"block {block} of \"{prompt}\"");
            }
        }
    }

    [Fact]
    public void Captured_rows_equal_what_the_stock_eval_callback_sees_for_l_out()
    {
        // the stock LLamaSharp.Backend.Cpu 0.30.0 binaries (b10221, their own SIMD build) in another process, recorded
        // once on one CPU: equal up to float rounding of different kernels, relative to the size of the values. Which
        // kernels ours use depends on the CPU running the test: 1e-6 of the largest value where the reference was
        // recorded (AVX-512), 4.9e-5 on an AVX2 machine (the f16 K/V cache rounds to 2^-11 ≈ 4.9e-4 relative). A wrong
        // block, row or position differs by the values' own size, so 2e-4 of it still tells rounding from a bug.
        using var session = new CaptureSession(TestPaths.Stories260K);
        session.CaptureAllBlocks();
        double worst = 0, scale = 0;
        foreach (var expected in Stock.Value.Cases)
        {
            int[] tokens = session.Tokenize(expected.Prompt);
            tokens.Should().Equal(expected.Tokens);
            session.Decode([tokens], (_, _) => true);
            for (int block = 0; block < session.NLayer; block++)
            {
                worst = Math.Max(worst, Floats.MaxAbsDiff(session.Rows(block), expected.Blocks[block]));
                scale = Math.Max(scale, expected.Blocks[block].Max(Math.Abs));
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"max |ours - stock l_out| = {worst:E2} (largest |value| {scale:F2}, relative {worst / scale:E2})");
        worst.Should().BeLessThan(2e-4 * scale);
    }

    [Fact]
    public void A_batch_of_several_sequences_gives_the_rows_of_decoding_each_alone()
    {
        string[] prompts = ["Once upon a time there was a dog", "The little girl saw a big red ball in the park", "Tom"];
        using var batched = new CaptureSession(TestPaths.Stories260K, seqMax: 4);
        batched.CaptureAllBlocks();
        var sequences = prompts.Select(batched.Tokenize).ToList();
        // output at the last token of every sequence and at one middle token of the second
        batched.Decode(sequences, (s, i) => i == sequences[s].Length - 1 || (s == 1 && i == 3));
        BlockCapture.RowCount(batched.Context).Should().Be(4);
        var batchRows = Enumerable.Range(0, batched.NLayer).Select(batched.Rows).ToArray();

        using var single = new CaptureSession(TestPaths.Stories260K);
        single.CaptureAllBlocks();
        // rows of the batch are in batch order of the output tokens: seq0 last, seq1 token 3, seq1 last, seq2 last
        var expectedOrder = new (int Seq, int Token)[] { (0, sequences[0].Length - 1), (1, 3), (1, sequences[1].Length - 1), (2, sequences[2].Length - 1) };
        double worst = 0;
        for (int row = 0; row < expectedOrder.Length; row++)
        {
            var (seq, token) = expectedOrder[row];
            single.Decode([sequences[seq][..(token + 1)]], (_, i) => i == token);
            for (int block = 0; block < single.NLayer; block++)
            {
                var alone = single.Rows(block);
                var inBatch = batchRows[block].AsSpan(row * single.NEmbd, single.NEmbd);
                double diff = Floats.MaxAbsDiff(inBatch, alone);
                worst = Math.Max(worst, diff);
                diff.Should().BeLessThan(1e-4, $"block {block}, row {row} (sequence {seq}, token {token})");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"max |batched - single| = {worst:E2}");
    }

    [Fact]
    public void Only_the_requested_blocks_are_captured_and_the_rest_refused()
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        BlockCapture.SetBlocks(session.Context, [1, 4]);
        session.Decode([session.Tokenize("Once upon a time")], (_, i) => i == 2);

        BlockCapture.RowCount(session.Context).Should().Be(1);
        session.Rows(1).Should().HaveCount(session.NEmbd);
        session.Rows(4).Should().HaveCount(session.NEmbd);
        var notCaptured = () => session.Rows(0);
        notCaptured.Should().Throw<LlamaJumpException>().Which.Message.Should().Contain("block 0 was not captured");

        BlockCapture.SetBlocks(session.Context, []);
        session.Decode([session.Tokenize("Once upon a time")], (_, i) => i == 2);
        var stopped = () => session.Rows(1);
        stopped.Should().Throw<LlamaJumpException>().Which.Status.Should().Be(-3);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    public void A_block_out_of_range_is_an_error_code_not_an_abort(int block)
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        var set = () => BlockCapture.SetBlocks(session.Context, [0, block]);
        set.Should().Throw<LlamaJumpException>().Which.Message.Should().Contain($"block {block} is out of range: the model has blocks 0..4");
        var get = () => BlockCapture.CopyRows(session.Context, new BlockIndex(block), new float[64]);
        get.Should().Throw<LlamaJumpException>().Which.Status.Should().Be(-1);
    }

    [Fact]
    public void A_destination_that_is_too_small_is_refused()
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        session.CaptureAllBlocks();
        session.Decode([session.Tokenize("Once upon a time")], (_, _) => true);
        var copy = () => BlockCapture.CopyRows(session.Context, new BlockIndex(0), new float[session.NEmbd]);
        copy.Should().Throw<LlamaJumpException>().Which.Status.Should().Be(-4);
    }

    [Fact]
    public unsafe void Null_pointers_are_error_codes()
    {
        using var session = new CaptureSession(TestPaths.Stories260K);
        var ctx = session.Context.NativeHandle;
        using var none = new LLama.Native.SafeLLamaContextHandle(); // a handle to no context: the C side sees NULL
        Interop.Native.LlamaJumpNative.llama_jump_capture_set_layers(none, null, 0).Should().Be(-1);
        Interop.Native.LlamaJumpNative.llama_jump_capture_set_layers(ctx, null, 3).Should().Be(-1);
        Interop.Native.LlamaJumpNative.llama_jump_capture_get(ctx, 0, null, 100).Should().Be(-1);
        Interop.Native.LlamaJumpNative.llama_jump_capture_n_rows(none).Should().Be(-1);
        Interop.Native.LlamaJumpNative.llama_jump_head(ctx, null, 1, null, 0).Should().Be(-1);
        float one = 0;
        Interop.Native.LlamaJumpNative.llama_jump_head(ctx, &one, 0, &one, 1).Should().Be(-1);
        Interop.Native.LlamaJumpNative.llama_jump_head(ctx, &one, 1, &one, 1).Should().Be(-4);
    }
}
