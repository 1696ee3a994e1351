using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// State propagation for every family the backend propagates (its K/V path table, llama-jump-arch.cpp): after an
/// exit at block 1 the K/V of every skipped block equal <see cref="ReferenceKv"/>'s independent computation from the
/// exit state. The reference itself is checked against llama.cpp's own graph first: after a full-depth decode the K/V
/// block j stored equal the reference from block j − 1's captured output, so a reference that got a family wrong
/// (norm, bias, fused slice, K norm, RoPE mode) fails there rather than agreeing with a propagation that made the
/// same mistake. Quantised caches: the same on a model whose head size (64) makes llama.cpp store K and V
/// Hadamard-rotated in q8_0 cells, read back dequantised and un-rotated.
/// </summary>
public sealed class FamilyPropagationTests(ITestOutputHelper output)
{
    /// <summary>f16 cache: its rounding and the summation order (as in <see cref="StatePropagationTests"/>).</summary>
    private const double PlainTolerance = 2e-3;

    /// <summary>q8_0 cells: 8-bit steps of each 32-element block's largest value, ≤ 1/254 of it, plus the rounding of
    /// the rotation, relative to the row's largest value.</summary>
    private const double Q8Tolerance = 1.5e-2;

    public static TheoryData<string> Families => new() { "llama", "llama-fused", "gpt2", "stablelm", "qwen2", "qwen3", "phi2", "phi3", "gemma", "gemma2", "gemma3", "starcoder2", "olmo2", "granite" };

    /// <summary>llama with head size 64 (n_embd 128, 2 heads, 1 KV head): llama.cpp rotates a quantised cache of it.</summary>
    private static readonly TinyModelSpec WideHeads = new("ggml-vocab-llama-spm.gguf", new RandomModelSpec("llama",
        ContextLength: 256, EmbeddingLength: 128, BlockCount: 4, FeedForwardLength: 256, HeadCount: 2, HeadCountKv: 1,
        NormEpsilon: 1e-5f, RopeFreqBase: 10000f, InitStd: 0.02, Seed: 11));

    internal static string ModelOf(string family) => TinyModels.PathOf(TinyModelSpec.For(family));

    [Theory]
    [MemberData(nameof(Families))]
    public void A_full_depth_decode_stores_the_references_kv(string family) =>
        FullDepthMatchesReference(ModelOf(family), new SessionOptions(1, 256, 1), family, PlainTolerance);

    [Theory]
    [MemberData(nameof(Families))]
    public void Skipped_blocks_hold_their_own_projections_of_the_exit_state(string family) =>
        PropagationMatchesReference(ModelOf(family), new SessionOptions(1, 256, 1), family, PlainTolerance);

    [Theory]
    [InlineData("q8_0 K")]
    [InlineData("q8_0 K and V")]
    public void A_quantised_rotated_cache_holds_the_references_kv(string cache)
    {
        var options = new SessionOptions(1, 256, 1, CacheTypeK: GgmlType.Q8_0, CacheTypeV: cache.EndsWith("V", StringComparison.Ordinal) ? GgmlType.Q8_0 : null);
        string model = TinyModels.PathOf(WideHeads);
        FullDepthMatchesReference(model, options, $"head size 64, {cache}", Q8Tolerance);
        PropagationMatchesReference(model, options, $"head size 64, {cache}", Q8Tolerance);
    }

    private void FullDepthMatchesReference(string model, SessionOptions options, string label, double tolerance)
    {
        using var session = ModelSession.Open(model, options);
        var reference = new ReferenceKv(model);
        BlockCapture.SetBlocks(session.Context, Enumerable.Range(0, session.NLayer).ToArray());
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        ExitBlocksTests.Decode(session, prompt, 0);
        int pos = prompt.Length;
        ExitBlocksTests.Decode(session, [prompt[^1]], pos);
        var h = new float[session.NEmbd];
        for (int block = 1; block < session.NLayer; block++)
        {
            BlockCapture.CopyRows(session.Context, new BlockIndex(block - 1), h);
            Compare(session, reference, block, h, pos, $"{label}, full depth", tolerance);
        }
    }

    private void PropagationMatchesReference(string model, SessionOptions options, string label, double tolerance)
    {
        const int exitBlock = 1;
        using var session = ModelSession.Open(model, options);
        var reference = new ReferenceKv(model);
        NativeEarlyExit.PropagationUnavailable(session.Context).Should().BeNull();
        NativeEarlyExit.Install(session.Context, ExitFixtures.RandomJump(session.NEmbd));
        BlockCapture.SetBlocks(session.Context, [exitBlock]);
        NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Fixed(exitBlock, propagate: true));
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        ExitBlocksTests.Decode(session, prompt, 0);
        int pos = prompt.Length;
        ExitBlocksTests.Decode(session, [prompt[^1]], pos);
        NativeEarlyExit.LastLevels(session.Context, 1).Should().Equal(exitBlock);
        var h = new float[session.NEmbd];
        BlockCapture.CopyRows(session.Context, new BlockIndex(exitBlock), h);
        for (int block = exitBlock + 1; block < session.NLayer; block++)
        {
            Compare(session, reference, block, h, pos, $"{label}, propagated", tolerance);
        }
    }

    private void Compare(ModelSession session, ReferenceKv reference, int block, float[] input, int pos, string label, double tolerance)
    {
        var (k, v) = NativeEarlyExit.ReadKv(session.Context, SequenceId.First, new TokenPosition(pos), new BlockIndex(block), reference.KvWidth, reference.KvWidth);
        var (expectedK, expectedV) = reference.Compute(block, input, pos);
        double errK = RelativeError(k, expectedK), errV = RelativeError(v, expectedV);
        output.WriteLine($"{label}, block {block}: K rel err {errK:E2}, V rel err {errV:E2}");
        errK.Should().BeLessThan(tolerance, $"{label}: block {block}'s K");
        errV.Should().BeLessThan(tolerance, $"{label}: block {block}'s V");
    }

    /// <summary>max |actual − expected| over max |expected|.</summary>
    internal static double RelativeError(float[] actual, double[] expected)
    {
        double worst = 0, scale = 1e-6;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return worst / scale;
    }
}
