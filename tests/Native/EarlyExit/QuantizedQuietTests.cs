using AwesomeAssertions;
using LlamaJump.App.Generate;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// The weight paths users run: the quiet model in Q8_0 (<see cref="QuietModel.Quantized"/>, made, dumped and trained
/// through the same jobs as the F32 one) exits early with either fill and drafts speculatively as the F32 model does
/// (<see cref="QuietExitTests"/>, <see cref="QuietSpecTests"/>): most tokens leave at the quiet block, the text agrees
/// with the full model, spec's output equals the full model's.
/// </summary>
public sealed class QuantizedQuietTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(KvFill.Propagate)]
    [InlineData(KvFill.Recompute)]
    public void Exits_at_the_quiet_block_agree_with_full_with_either_fill(KvFill fill)
    {
        var model = QuietModel.Quantized;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        var candidates = ExitCandidates.FromStride(session.NLayer, QuietModel.QuietAfter, 1);
        const int tokens = 200;
        var (exited, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Exit, Lambda: 0.5f, Fill: fill, Candidates: candidates), tokens);

        double agreement = TeacherForced.Agreement(session, session.Tokenize(ExitFixtures.Prompt), ExitFixtures.Ids(exited));
        output.WriteLine($"q8_0, {fill}: exit histogram [{string.Join(", ", stats.ExitHistogram)}], {stats.BlocksPerToken:0.00} blocks per token, agreement {agreement:0.000}");
        exited.Should().HaveCount(tokens);
        // recompute decodes an exited token again together with the next one, and a two-token batch runs at full
        // depth, so at most every other token can exit there
        int most = fill == KvFill.Propagate ? tokens / 2 : tokens / 3;
        stats.ExitHistogram[QuietModel.QuietAfter].Should().BeGreaterThan(most, "most tokens the fill lets exit are confident at the quiet block");
        agreement.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void Spec_drafts_are_mostly_accepted_and_the_output_equals_full()
    {
        var model = QuietModel.Quantized;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        const string prompt = "Once upon a time";
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200, prompt);
        var (spec, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: QuietModel.QuietAfter, DraftLength: 4), 200, prompt);

        output.WriteLine($"q8_0 jump: best validation loss {model.Fit.BestValidationLoss:E3}; spec acceptance {stats.AcceptanceRate:0.000}, {stats.BlocksPerToken:0.00} blocks per token");
        SpecEquality.AssertEqualExceptNearTies(session, session.Tokenize(prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(spec));
        stats.AcceptanceRate.Should().BeGreaterThanOrEqualTo(0.8);
    }
}
