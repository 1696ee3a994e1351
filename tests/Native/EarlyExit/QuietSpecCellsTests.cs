using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// After spec-mode generation on the quiet model (<see cref="QuietModel"/>), every K/V cell — those of accepted
/// drafts above all — equals what a full-depth decode of the same tokens leaves, to one f16 step; and the comparison
/// tells apart the cells a draft leaves before verification, unfilled or filled from the exit state.
/// </summary>
public sealed class QuietSpecCellsTests(ITestOutputHelper output)
{
    private const int Tokens = 120;

    /// <summary>Both caches hold f16. The verification batch and a one-token decode run different CPU kernels, whose
    /// results differ in the last float bits; rounded to f16 that is at most one step, 2^-10 ≈ 9.8e-4 for values
    /// below 2 (these K and V have a standard deviation of about 0.23; the test checks they stay below 2).</summary>
    private const double Tolerance = 1e-3;

    [Fact]
    public void The_cells_accepted_drafts_leave_equal_those_of_a_full_depth_decode()
    {
        var model = QuietModel.Shared;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        int[] prompt = session.Tokenize(ExitFixtures.Prompt);
        var (spec, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: QuietModel.QuietAfter, DraftLength: 4), Tokens);
        // the cache now holds the prompt and every generated token but the last (the one to feed next)
        var specCells = KvCells.Read(session, prompt.Length + Tokens - 1);
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), Tokens);
        var fullCells = KvCells.Read(session, prompt.Length + Tokens - 1);

        spec.Should().HaveCount(Tokens);
        full.Should().HaveCount(Tokens);
        // cells hold the same tokens up to the first divergence, if a near tie makes one (SpecEquality)
        int same = SpecEquality.AssertEqualExceptNearTies(session, prompt, ExitFixtures.Ids(full), ExitFixtures.Ids(spec)) ?? Tokens;
        int cached = prompt.Length + Math.Min(same, Tokens - 1);
        var accepted = Enumerable.Range(0, cached - prompt.Length).Where(i => spec[i].DraftAccepted == true).Select(i => prompt.Length + i).ToList();
        accepted.Count.Should().BeGreaterThan(Tokens / 2, "the comparison is about the cells of accepted drafts");
        var all = Enumerable.Range(0, cached).ToList();
        var perBlock = Enumerable.Range(0, session.NLayer).Select(b => KvCells.MaxDiff(specCells[b], fullCells[b], all)).ToList();
        double worstAccepted = Enumerable.Range(0, session.NLayer).Max(b => KvCells.MaxDiff(specCells[b], fullCells[b], accepted));
        double largest = fullCells.SelectMany(cells => cells[..cached]).Max(c => Math.Max(c.K.Max(Math.Abs), c.V.Max(Math.Abs)));
        output.WriteLine($"spec vs full, max |K, V diff| per block over {cached} cells: {string.Join(", ", perBlock.Select(d => d.ToString("E2")))}; " +
            $"over the {accepted.Count} cells of accepted drafts {worstAccepted:E2} (tolerance {Tolerance:E0}; largest |K, V| {largest:F2})");
        largest.Should().BeLessThan(2, "the tolerance is one f16 step below 2");
        perBlock.Should().OnlyContain(d => d < Tolerance);

        // the control: the same tokens decoded one at a time through the draft block, as drafts are
        var generated = Enumerable.Range(prompt.Length, cached - prompt.Length).ToList();
        int[] sequence = [.. prompt, .. ExitFixtures.Ids(full)[..(cached - prompt.Length)]];
        var unfilled = AfterDraftBlock(DecodeAsDrafts(session, sequence, prompt.Length, propagate: false), fullCells, generated);
        var propagated = AfterDraftBlock(DecodeAsDrafts(session, sequence, prompt.Length, propagate: true), fullCells, generated);
        output.WriteLine($"decoded as drafts, max |K, V diff| per block after the draft block: no fill {string.Join(", ", unfilled.Select(d => d.ToString("E2")))}; " +
            $"filled from the exit state {string.Join(", ", propagated.Select(d => d.ToString("E2")))}");
        unfilled.Should().OnlyContain(d => d > 100 * Tolerance, "a draft computes no block after the draft block");
        propagated.Max().Should().BeGreaterThan(2 * Tolerance, "the quiet blocks still move the stream a little");
    }

    private static List<double> AfterDraftBlock((float[] K, float[] V)[][] cells, (float[] K, float[] V)[][] reference, List<int> positions) =>
        Enumerable.Range(QuietModel.QuietAfter + 1, QuietModel.Blocks - QuietModel.QuietAfter - 1)
            .Select(b => KvCells.MaxDiff(cells[b], reference[b], positions)).ToList();

    /// <summary>Decodes the prompt at full depth, then each later token alone with a fixed exit at the draft block
    /// (the backend filling the skipped blocks from the exit state, or not), and reads the cells.</summary>
    private static (float[] K, float[] V)[][] DecodeAsDrafts(ModelSession session, int[] sequence, int promptLength, bool propagate)
    {
        var context = session.Context;
        context.NativeHandle.MemoryClear();
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Off);
        ExitBlocksTests.Decode(session, sequence[..promptLength], 0);
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Fixed(QuietModel.QuietAfter, propagate));
        for (int pos = promptLength; pos < sequence.Length; pos++)
            ExitBlocksTests.Decode(session, [sequence[pos]], pos);
        NativeEarlyExit.SetPolicy(context, ExitPolicy.Off);
        return KvCells.Read(session, sequence.Length);
    }
}
