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

    /// <summary>Block 0 is confident on half the tokens and right on exactly those; block 1 is never right. At τ ≥ 0.3
    /// (q = ½, q·a = ½) γ drafts cost Σ_{i<γ} ½^i steps of ⅓ and emit 1 + Σ_{i=1..γ} ½^i tokens, which grows with γ
    /// up to 8: (2 − ½^8) / (1 + ⅓·(2 − ½^7)) ≈ 1.1995; at τ ≤ 0.2 every draft is tried and the best is γ = 1 at 1.125.</summary>
    [Fact]
    public void Gated_drafting_is_planned_where_the_confident_drafts_are_the_right_ones()
    {
        float[] top = [0.9f, 0.3f, 0.9f, 0.3f, 0.2f, 0.3f, 0.2f, 0.3f];
        bool[] agrees = [true, false, true, false, false, false, false, false];

        var plan = SpecPlanner.PlanGated(top, agrees, nLayer: 3, headBlocks: 0);

        (plan.DraftBlock, plan.DraftLength, plan.DraftThreshold).Should().Be((0, 8, 0.3f));
        plan.ExpectedSpeedup.Should().BeApproximately((2 - Math.Pow(0.5, 8)) / (1 + (2 - Math.Pow(0.5, 7)) / 3), 1e-12);
        plan.Reason.Should().Contain("confident (≥ 0.3) on 50 % of tokens, 100 % of those right");
    }

    [Fact]
    public void Where_gated_drafting_cannot_pay_the_threshold_is_left_to_the_default()
    {
        float[] top = [0.9f, 0.9f, 0.9f, 0.9f];
        bool[] agrees = [false, false, false, false];

        var plan = SpecPlanner.PlanGated(top, agrees, nLayer: 3, headBlocks: 0.5);

        plan.ExpectedSpeedup.Should().BeLessThan(1);
        plan.DraftThreshold.Should().BeNull();
        plan.Reason.Should().Contain("drafting stays gated at the default threshold");
    }
}
