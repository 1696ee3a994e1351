using AwesomeAssertions;
using LlamaJump.Engine.Generation;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>Spec mode's plan: expected tokens per cycle by hand, the block with the most agreeing jump wins, and a
/// plan that cannot pay off says so.</summary>
public sealed class SpecPlannerTests
{
    [Theory]
    [InlineData(0.5, 2, 1.75)]   // 1 + α + α²
    [InlineData(0.0, 4, 1.0)]    // only the full model's own token
    [InlineData(1.0, 3, 4.0)]    // every draft accepted, plus the bonus token
    public void Expected_tokens_per_cycle_match_the_hand_computed_sums(double alpha, int gamma, double tokens) =>
        SpecPlanner.ExpectedTokens(alpha, gamma).Should().BeApproximately(tokens, 1e-12);

    [Fact]
    public void The_plan_drafts_through_the_block_whose_jump_agrees_most_for_its_cost()
    {
        // 8 blocks, head free: block 1 agrees 95 % at a quarter of the cost, deeper blocks barely agree
        var plan = SpecPlanner.Plan([0.10, 0.95, 0.20, 0.20, 0.20, 0.20, 0.30], nLayer: 8, headBlocks: 0);

        plan.DraftBlock.Should().Be(1);
        plan.ExpectedSpeedup.Should().BeGreaterThan(1);
        // the chosen length is the best one for that block (checked against every other length)
        double cost = 2.0 / 8;
        double Speedup(int g) => SpecPlanner.ExpectedTokens(0.95, g) / (g * cost + 1);
        Enumerable.Range(1, SpecPlanner.MaxDraftLength).Max(Speedup).Should().BeApproximately(plan.ExpectedSpeedup, 1e-12);
        Speedup(plan.DraftLength).Should().BeApproximately(plan.ExpectedSpeedup, 1e-12);
    }

    [Fact]
    public void Jumps_that_rarely_agree_give_a_plan_that_says_spec_cannot_pay_off()
    {
        var plan = SpecPlanner.Plan([0.05, 0.05, 0.1, 0.2], nLayer: 5, headBlocks: 0.5);
        plan.ExpectedSpeedup.Should().BeLessThan(1);
        plan.Reason.Should().Contain("below 1");
    }

    [Fact]
    public void A_precision_list_of_the_wrong_length_is_refused()
    {
        var plan = () => SpecPlanner.Plan([0.5, 0.5], nLayer: 5, headBlocks: 1);
        plan.Should().Throw<ArgumentException>().WithMessage("*expected 4*");
    }
}
