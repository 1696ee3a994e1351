using AwesomeAssertions;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Tests.Pure.Engine;

/// <summary>Exit planning: the replayed rule's cost and agreement by hand, the plan's choice on data built so the
/// answer is known, and the guarded default's arithmetic.</summary>
public sealed class ExitPlannerTests
{
    // 4 samples × 3 exit levels (L = 4): top probability and whether the jump's argmax is the full model's top-1
    private static readonly float[] Top =
    [
        0.9f, 0.9f, 0.9f, // sample 0: confident everywhere, right only from level 1
        0.2f, 0.8f, 0.9f, // sample 1: confident from level 1, right there
        0.1f, 0.3f, 0.6f, // sample 2: only level 2 reaches 0.5, wrong there
        0.1f, 0.2f, 0.3f, // sample 3: never confident
    ];

    private static readonly bool[] Agrees =
    [
        false, true, true,
        false, true, true,
        false, false, false,
        true, true, true,
    ];

    [Fact]
    public void Replay_counts_blocks_checks_agreement_and_cost_by_hand()
    {
        var outcome = ExitPlanner.Replay(Top, Agrees, levels: 3, candidates: [0, 2], lambda: 0.5, checkBlocks: 0.5, skippedBlockCost: 0.1);

        // sample 0 exits at 0 (1 block, 1 check, wrong, 3 skipped); 1 exits at 2 (3 blocks, 2 checks, right, 1 skipped);
        // 2 exits at 2 (3, 2, wrong, 1); 3 never (4 blocks, 2 checks, agrees)
        outcome.BlocksPerToken.Should().Be((1 + 3 + 3 + 4) / 4.0);
        outcome.ChecksPerToken.Should().Be((1 + 2 + 2 + 2) / 4.0);
        outcome.Agreement.Should().Be(2 / 4.0);
        outcome.CostPerToken.Should().BeApproximately((11 + 7 * 0.5 + 5 * 0.1) / 4.0, 1e-12);
    }

    [Fact]
    public void The_plan_is_the_cheapest_stride_set_that_agrees_no_worse_than_the_papers_rule()
    {
        // the paper's rule at L = 4 checks 1 and 2: at λ 0.5 samples 0 and 1 exit at 1 (right), 2 at 2 (wrong), 3 never
        var plan = ExitPlanner.Plan(Top, Agrees, levels: 3, lambda: 0.5, checkBlocks: 0.6);
        plan.PaperRule.Agreement.Should().Be(0.75);
        plan.PaperRule.CostPerToken.Should().BeApproximately((2 + 2 + 3 + 4 + 0.6 * (1 + 1 + 2 + 2)) / 4.0, 1e-12); // 3.65

        // {1} alone: samples 0 and 1 exit at 1 (right), 2 and 3 run 4 blocks after one check: agreement 1, cost
        // (2 + 2 + 4 + 4 + 4·0.6) / 4 = 3.6; {2} and {0} cost 3.85, {0, …} agree below 0.75, none costs 4
        plan.Candidates.Should().Equal(1);
        plan.Outcome.Agreement.Should().Be(1);
        plan.Outcome.CostPerToken.Should().BeApproximately(3.6, 1e-12);
        plan.ExpectedSpeedup.Should().BeApproximately(4 / 3.6, 1e-12);

        // cheaper checks: the rule itself (3.125) beats {1} (3.25)
        ExitPlanner.Plan(Top, Agrees, levels: 3, lambda: 0.5, checkBlocks: 0.25).Candidates.Should().Equal(1, 2);
    }

    [Fact]
    public void Where_no_exit_pays_the_plan_checks_nothing()
    {
        // a check as dear as the whole model: every candidate set costs more than full depth
        var plan = ExitPlanner.Plan(Top, Agrees, levels: 3, lambda: 0.5, checkBlocks: 4);
        plan.Candidates.Should().BeEmpty();
        plan.Outcome.Should().Be(new ExitOutcome(4, 0, 1, 4));
    }

    [Fact]
    public void By_blocks_the_plan_never_runs_more_blocks_than_the_papers_rule_even_where_checks_cost_more()
    {
        // checks as dear as the whole model: by cost nothing pays (none); by blocks, the fewest blocks among the sets
        // agreeing ≥ the rule's 0.75: the rule's own {1, 2} at 2.75 ({1}: 3, {2} and {0}: 3.25; {0, 1, 2} and
        // {0, 2} agree 0.5)
        var byCost = ExitPlanner.Plan(Top, Agrees, levels: 3, lambda: 0.5, checkBlocks: 4);
        var byBlocks = ExitPlanner.Plan(Top, Agrees, levels: 3, lambda: 0.5, checkBlocks: 4, goal: ExitPlanGoal.Blocks);
        byCost.Candidates.Should().BeEmpty();
        byBlocks.Goal.Should().Be(ExitPlanGoal.Blocks);
        byBlocks.Candidates.Should().Equal(1, 2);
        byBlocks.Outcome.BlocksPerToken.Should().Be((2 + 2 + 3 + 4) / 4.0);
        byBlocks.Outcome.BlocksPerToken.Should().BeLessThanOrEqualTo(byBlocks.PaperRule.BlocksPerToken);
        byBlocks.Outcome.Agreement.Should().BeGreaterThanOrEqualTo(byBlocks.PaperRule.Agreement);
    }

    [Fact]
    public void The_shared_replay_counts_exits_per_block_and_skipped_blocks()
    {
        var t = ExitRuleReplay.Run(Top, Agrees, levels: 3, candidates: [0, 2], lambda: 0.5);
        t.Samples.Should().Be(4);
        t.ExitHistogram.Should().Equal(1, 0, 2, 1); // sample 0 at 0; 1 and 2 at 2; 3 at full depth (index L − 1)
        t.Skipped.Should().Be(3 + 1 + 1);
        t.Agreeing.Should().Be(2);
        var outside = () => ExitRuleReplay.Run(Top, Agrees, levels: 3, candidates: [3], lambda: 0.5);
        outside.Should().Throw<ArgumentException>().WithMessage("*outside the exit levels*");
    }

    [Fact]
    public void Under_recompute_the_token_after_an_exit_runs_to_full_depth_without_checks()
    {
        // independently: 0 exits at 0, 1 and 2 at 2, 3 never; with recompute 1 follows an exit (full depth, agrees),
        // 2 exits at 2 (wrong), 3 follows it (full depth, agrees)
        var t = ExitRuleReplay.Run(Top, Agrees, levels: 3, candidates: [0, 2], lambda: 0.5, fullDepthAfterExit: true);
        t.ExitHistogram.Should().Equal(1, 0, 1, 2);
        t.Blocks.Should().Be(1 + 4 + 3 + 4);
        t.Checks.Should().Be(1 + 0 + 2 + 0);
        t.Agreeing.Should().Be(2);
        t.Skipped.Should().Be(3 + 1);
        ExitPlanner.Replay(Top, Agrees, levels: 3, candidates: [0, 2], lambda: 0.5, checkBlocks: 0.5, fullDepthAfterExit: true)
            .BlocksPerToken.Should().Be(12 / 4.0);
    }

    [Theory]
    [InlineData(24, 2.6, new[] { 11 })] // the random 24×1024 model: one candidate, the middle block
    [InlineData(32, 0.65, new[] { 15, 19, 23, 27 })] // a 7B shape: ⌊3.2 / 0.65⌋ = 4 candidates in 15 … 28
    [InlineData(5, 0.75, new[] { 1 })] // stories260K: at least one
    [InlineData(8, 0, new[] { 3, 4, 5, 6 })] // checks for free: every block from the middle
    public void The_guarded_default_keeps_the_no_exit_overhead_within_ten_percent(int nLayer, double checkBlocks, int[] expected)
    {
        var candidates = ExitPlanner.Guarded(nLayer, checkBlocks);
        candidates.Should().Equal(expected);
        if (checkBlocks > 0 && candidates.Count > 1)
            (candidates.Count * checkBlocks).Should().BeLessThanOrEqualTo(ExitPlanner.GuardedWorstCaseOverhead * nLayer);
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused()
    {
        var act = () => ExitPlanner.Replay(Top, Agrees.AsSpan(1).ToArray(), levels: 3, candidates: [0], lambda: 0.5, checkBlocks: 1);
        act.Should().Throw<ArgumentException>();
        var none = () => ExitPlanner.Replay([], [], levels: 3, candidates: [0], lambda: 0.5, checkBlocks: 1);
        none.Should().Throw<ArgumentException>().WithMessage("no samples*");
        var oneBlock = () => ExitPlanner.Guarded(1, 1);
        oneBlock.Should().Throw<ArgumentException>();
    }
}
