using AwesomeAssertions;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// Self-speculative decoding where drafts are accepted: on the quiet model (<see cref="QuietModel"/>) with the jump
/// trained at its quiet block, drafting through that block. Most drafts pass verification, the output is the full
/// model's (random weights: up to a near tie, <see cref="SpecEquality"/>), and some cycles end with the bonus token
/// after all their drafts passed (the cells they leave: <see cref="QuietSpecCellsTests"/>).
/// </summary>
public sealed class QuietSpecTests(ITestOutputHelper output)
{
    private const int DraftLength = 4;

    private static GenerationSettings Spec => new(GenerationMode.Spec, ExitLayer: QuietModel.QuietAfter, DraftLength: DraftLength);

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("The tower is 324 metres tall")]
    [InlineData("In 1999 the")]
    public void Drafts_through_the_quiet_block_are_mostly_accepted_and_the_output_equals_full(string prompt)
    {
        var model = QuietModel.Shared;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        var (full, _) = ExitFixtures.Generate(generator, session, new GenerationSettings(GenerationMode.Full), 200, prompt);
        var (spec, stats) = ExitFixtures.Generate(generator, session, Spec, 200, prompt);

        output.WriteLine($"jump: best validation loss {model.Fit.BestValidationLoss:E3} (epoch {model.Fit.BestEpoch}); " +
            $"spec: acceptance {stats.AcceptanceRate:0.000} ({stats.DraftsAccepted} of {stats.Drafted}), {stats.BlocksPerToken:0.00} blocks per token");
        full.Should().HaveCount(200);
        SpecEquality.AssertEqualExceptNearTies(session, session.Tokenize(prompt), ExitFixtures.Ids(full), ExitFixtures.Ids(spec));
        stats.AcceptanceRate.Should().BeGreaterThanOrEqualTo(0.8);
        spec.Where(t => t.DraftAccepted == true).Should().OnlyContain(t => t.ExitLayer == QuietModel.QuietAfter);
        spec.Where(t => t.DraftAccepted == false).Should().OnlyContain(t => t.ExitLayer == session.NLayer - 1);
        spec.Count(t => t.DraftAccepted == true).Should().Be(stats.DraftsAccepted);
        BonusTokens(spec).Should().BePositive("a cycle whose drafts all pass still emits the full model's next token");
        stats.FullVerifications.Should().Be(0, "every verification of a llama resumes after the draft block (shared K/V)");
        stats.SharedVerifications.Should().BePositive();
    }

    [Fact]
    public void Shared_kv_costs_fewer_blocks_than_verifying_at_full_depth_and_gives_the_same_tokens()
    {
        var model = QuietModel.Shared;
        using var session = ExitFixtures.Open(model.ModelPath);
        var generator = new EarlyExitGenerator(session, model.Jump);
        var (shared, sharedStats) = ExitFixtures.Generate(generator, session, Spec, 120);
        var (recomputed, fullStats) = ExitFixtures.Generate(generator, session, Spec with { SharedKv = false }, 120);

        output.WriteLine($"blocks per token: shared K/V {sharedStats.BlocksPerToken:0.00} ({sharedStats.SharedVerifications} verifications resumed), " +
            $"verified at full depth {fullStats.BlocksPerToken:0.00} ({fullStats.FullVerifications})");
        fullStats.SharedVerifications.Should().Be(0);
        SpecEquality.AssertEqualExceptNearTies(session, session.Tokenize(ExitFixtures.Prompt), ExitFixtures.Ids(recomputed), ExitFixtures.Ids(shared));
        // the same cycles, each cheaper by the draft block's depth for every verified token
        sharedStats.BlocksPerToken.Should().BeLessThan(fullStats.BlocksPerToken - 1);
    }

    /// <summary>Full-model tokens that follow a cycle whose drafts were all accepted.</summary>
    private static int BonusTokens(IReadOnlyList<GeneratedToken> tokens)
    {
        int bonus = 0, run = 0;
        foreach (var token in tokens)
        {
            if (token.DraftAccepted == true)
            {
                run++;
                continue;
            }
            if (run == DraftLength)
                bonus++;
            run = 0;
        }
        return bonus;
    }
}
