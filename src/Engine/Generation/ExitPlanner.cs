namespace LlamaJump.Engine.Generation;

/// <summary>What exit mode costs and how often it agrees with the full model, per generated token, for one candidate
/// set at one λ, replayed on recorded samples: blocks run, candidate checks, agreement, and the cost in block
/// equivalents (blocks + checks × the check's cost + skipped blocks × what filling one costs).</summary>
public sealed record ExitOutcome(double BlocksPerToken, double ChecksPerToken, double Agreement, double CostPerToken);

/// <summary>The candidate blocks (every <see cref="Stride"/>-th from <see cref="First"/>; none: never check) that
/// <see cref="ExitPlanner.Plan"/> chose for λ, its expected <see cref="Outcome"/>, and the outcome of the paper's rule
/// (every block from ⌊L/4⌋, <see cref="ExitCandidates.Default"/>) on the same samples, for comparison.</summary>
public sealed record ExitPlan(double Lambda, IReadOnlyList<int> Candidates, int First, int Stride, ExitOutcome Outcome,
    ExitOutcome PaperRule, int NLayer, double CheckBlocks, ExitPlanGoal Goal = ExitPlanGoal.Cost)
{
    /// <summary>Full depth in block equivalents: L blocks, no check.</summary>
    public double FullCost => NLayer;

    /// <summary>The speed-up over full depth the plan's cost allows (decode is memory-bound: cost stands for time).</summary>
    public double ExpectedSpeedup => FullCost / Outcome.CostPerToken;
}

/// <summary>What <see cref="ExitPlanner.Plan"/> minimises among the candidate sets that agree no worse than the paper's
/// rule: <see cref="Cost"/> (default) the expected cost per token in block equivalents, checks included — what decides
/// wall time; <see cref="Blocks"/> the blocks run per token, the paper's own measure (checks taken as free, cost breaks
/// ties) — a plan that never saves fewer blocks than the rule, even where its checks cost more than it saves.</summary>
public enum ExitPlanGoal
{
    Cost,
    Blocks,
}

/// <summary>
/// Plans exit mode's candidate blocks from data. The samples are what the OJFA jump predicts at every exit level
/// k = 0 … L−2 of recorded tokens (eval's test split): its top softmax probability and whether its argmax is the
/// full model's top-1. A token exits at the first candidate whose top probability is ≥ λ (the paper's rule) and
/// costs k + 1 blocks, one check per candidate tried (a check costs <c>checkBlocks</c> blocks: the jump and the head)
/// and <c>skippedBlockCost</c> per skipped block (propagation's K/V projections; 0 where nothing is filled);
/// without an exit it costs L blocks plus every check. Under recompute (<c>fullDepthAfterExit</c>) the token after an
/// exit runs to full depth with the exited token's recompute and checks nothing (<see cref="ExitRuleReplay"/>).
/// <para><see cref="Plan"/> tries every candidate set of the form FIRST:STRIDE (k = FIRST, FIRST + STRIDE, … ≤ L−2)
/// and the empty set, and keeps the cheapest (<see cref="ExitPlanGoal"/>: by cost or by blocks run) whose agreement is
/// at least the paper's rule's at the same λ (the empty set agrees always, and so does the rule itself, so there is
/// one); ties go to fewer checks (by blocks: to lower cost), then to the later first block.</para>
/// <para><see cref="Guarded"/> is the default without data: candidates that cannot lose much.</para>
/// </summary>
public static class ExitPlanner
{
    /// <summary>With no token exiting, the guarded default's checks cost at most this share of a full step.</summary>
    public const double GuardedWorstCaseOverhead = 0.10;

    /// <summary>Replays the rule on the samples (<see cref="ExitRuleReplay.Run"/>) and prices it:
    /// <paramref name="topProbability"/> and <paramref name="agrees"/> are [sample × levels] (levels = L − 1),
    /// <paramref name="candidates"/> increasing exit levels.</summary>
    public static ExitOutcome Replay(ReadOnlySpan<float> topProbability, ReadOnlySpan<bool> agrees, int levels, IReadOnlyList<int> candidates,
        double lambda, double checkBlocks, double skippedBlockCost = 0, bool fullDepthAfterExit = false)
    {
        var t = ExitRuleReplay.Run(topProbability, agrees, levels, candidates, lambda, fullDepthAfterExit);
        if (t.Samples == 0)
            throw new ArgumentException("no samples to plan from");
        double n = t.Samples;
        return new ExitOutcome(t.Blocks / n, t.Checks / n, t.Agreeing / n, (t.Blocks + t.Checks * checkBlocks + t.Skipped * skippedBlockCost) / n);
    }

    /// <summary>The cheapest FIRST:STRIDE candidate set (or none) under <paramref name="goal"/> that agrees at least as
    /// often as the paper's rule at <paramref name="lambda"/>; see the class remarks.</summary>
    public static ExitPlan Plan(ReadOnlySpan<float> topProbability, ReadOnlySpan<bool> agrees, int levels, double lambda, double checkBlocks,
        double skippedBlockCost = 0, ExitPlanGoal goal = ExitPlanGoal.Cost, bool fullDepthAfterExit = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checkBlocks);
        int nLayer = levels + 1;
        var paper = Replay(topProbability, agrees, levels, ExitCandidates.Default(nLayer), lambda, checkBlocks, skippedBlockCost, fullDepthAfterExit);
        IReadOnlyList<int> bestSet = [];
        int bestFirst = -1, bestStride = 0;
        var best = Replay(topProbability, agrees, levels, [], lambda, checkBlocks, skippedBlockCost, fullDepthAfterExit);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int first = levels - 1; first >= 0; first--)
        {
            for (int stride = 1; stride <= levels; stride++)
            {
                var set = ExitCandidates.FromStride(nLayer, first, stride);
                if (!seen.Add(string.Join(',', set)))
                    continue; // a longer stride that leaves only FIRST again
                var outcome = Replay(topProbability, agrees, levels, set, lambda, checkBlocks, skippedBlockCost, fullDepthAfterExit);
                if (outcome.Agreement < paper.Agreement)
                    continue;
                if (Cheaper(outcome, best, goal))
                {
                    (best, bestSet, bestFirst, bestStride) = (outcome, set, first, stride);
                }
            }
        }
        return new ExitPlan(lambda, bestSet, bestFirst, bestStride, best, paper, nLayer, checkBlocks, goal);
    }

    private static bool Cheaper(ExitOutcome a, ExitOutcome b, ExitPlanGoal goal)
    {
        var (first, firstOfB, second, secondOfB) = goal == ExitPlanGoal.Blocks
            ? (a.BlocksPerToken, b.BlocksPerToken, a.CostPerToken, b.CostPerToken)
            : (a.CostPerToken, b.CostPerToken, a.ChecksPerToken, b.ChecksPerToken);
        return first < firstOfB - 1e-12 || (Math.Abs(first - firstOfB) <= 1e-12 && second < secondOfB - 1e-12);
    }

    /// <summary>
    /// Candidates without data that cannot lose much: as many as keep a token that never exits within
    /// <see cref="GuardedWorstCaseOverhead"/> of a full step (n = ⌊0.1·L / checkBlocks⌋, at least one), from the middle
    /// block ⌊L/2⌋ − 1 (where a fixed exit was measured to pay) up to the last block whose exit saves more than two
    /// checks cost (k ≤ L − 2 − ⌈2·checkBlocks⌉, never below the middle block), evenly strided.
    /// </summary>
    public static IReadOnlyList<int> Guarded(int nLayer, double checkBlocks)
    {
        if (nLayer < 2)
            throw new ArgumentException($"a model with {nLayer} block(s) has no exit block");
        ArgumentOutOfRangeException.ThrowIfNegative(checkBlocks);
        int first = Math.Max(0, nLayer / 2 - 1);
        int last = Math.Max(first, nLayer - 2 - (int)Math.Ceiling(2 * checkBlocks));
        int count = checkBlocks <= 0 ? last - first + 1 : Math.Clamp((int)Math.Floor(GuardedWorstCaseOverhead * nLayer / checkBlocks), 1, last - first + 1);
        int stride = count <= 1 ? 1 : Math.Max(1, (last - first) / (count - 1));
        return [.. ExitCandidates.FromStride(nLayer, first, stride).Take(count)];
    }
}
