using AwesomeAssertions;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// Gated self-speculation (<see cref="GenerationSettings.DraftThreshold"/> above 0): drafting stops at the first
/// unsure draft and backs off to full steps after cycles with nothing accepted. It stays lossless (verification is
/// unchanged), keeps the acceptance where the jump agrees (the quiet model), and where it does not (a random jump on
/// stories260K) it computes fewer blocks than fixed-length drafting — counted by the scheduler, not timed.
/// </summary>
public sealed class GatedSpecTests(ITestOutputHelper output)
{
    private const float Threshold = 0.5f;

    [Theory]
    [InlineData("Once upon a time, there was a little girl named Lily.")]
    [InlineData("The sun was shining and the birds were singing.")]
    public void With_a_jump_that_rarely_agrees_gating_is_lossless_and_computes_fewer_blocks(string prompt)
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var (full, fullStats) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200, prompt);
        var (fixedLength, fixedStats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftLength: 4), 200, prompt);
        var (gated, gatedStats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftLength: 4, DraftThreshold: Threshold), 200, prompt);

        output.WriteLine($"blocks per token: full {fullStats.BlocksPerToken:0.00}, fixed-length spec {fixedStats.BlocksPerToken:0.00} (acceptance {fixedStats.AcceptanceRate:0.000}), "
            + $"gated {gatedStats.BlocksPerToken:0.00} (acceptance {gatedStats.AcceptanceRate:0.000}, {gatedStats.Drafted} drafts)");
        SpecEquality.AssertStrictlyEqual(session, session.Tokenize(prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(gated));
        gatedStats.BlocksPerToken.Should().BeLessThan(fixedStats.BlocksPerToken);
        gatedStats.Drafted.Should().BeLessThan(fixedStats.Drafted);
        gated.Where(t => t.DraftAccepted == false).Should().OnlyContain(t => t.ExitLayer == session.NLayer - 1);
    }

    [Fact]
    public void A_cycle_whose_first_draft_is_unsure_is_one_full_depth_decode()
    {
        // threshold 1: a random jump's top probability never reaches it, so every cycle's first draft is unsure; the
        // check runs in the pending token's decode, which then goes on to full depth: no verification, and exactly L
        // blocks per token (a separate draft decode verified at full depth would add the draft block's k + 1)
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        const string prompt = "Once upon a time, there was a little girl named Lily.";
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 120, prompt);
        var (gated, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftLength: 4, DraftThreshold: 1f), 120, prompt);

        output.WriteLine($"gated at 1: {stats.BlocksPerToken:0.000} blocks per token, {stats.Drafted} drafts, {stats.Tokens} tokens");
        stats.Drafted.Should().Be(0);
        (stats.SharedVerifications + stats.FullVerifications).Should().Be(0);
        stats.BlocksExecuted.Should().Be((long)stats.Tokens * session.NLayer);
        SpecEquality.AssertStrictlyEqual(session, session.Tokenize(prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(gated));
    }

    [Fact]
    public void Where_the_jump_agrees_gated_drafts_are_accepted_and_the_output_equals_full()
    {
        var model = QuietModel.Shared;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        const string prompt = "Once upon a time";
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200, prompt);
        var (gated, stats) = ExitFixtures.Generate(generator, session,
            new GenerationSettings(GenerationMode.Spec, ExitLayer: QuietModel.QuietAfter, DraftLength: 4, DraftThreshold: Threshold), 200, prompt);

        output.WriteLine($"gated spec: acceptance {stats.AcceptanceRate:0.000} ({stats.DraftsAccepted} of {stats.Drafted}), {stats.BlocksPerToken:0.00} blocks per token");
        SpecEquality.AssertEqualExceptNearTies(session, session.Tokenize(prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(gated));
        stats.DraftsAccepted.Should().BeGreaterThan(100, "the quiet model's jump is confident and right after its quiet block");
        stats.AcceptanceRate.Should().BeGreaterThanOrEqualTo(0.8);
    }

    [Fact]
    public void A_draft_threshold_outside_zero_to_one_is_refused()
    {
        using var session = ExitFixtures.Open(TestPaths.Stories260K);
        var generator = new EarlyExitGenerator(session, ExitFixtures.RandomJump(session.NEmbd));
        var act = () => generator.Validate(new GenerationSettings(GenerationMode.Spec, ExitLayer: 1, DraftThreshold: 1.5f));
        act.Should().Throw<ArgumentException>().WithMessage("*draft threshold*");
    }
}
