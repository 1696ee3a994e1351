namespace LlamaJump.Engine.Generation;

/// <summary>Totals of the paper's exit rule replayed on recorded samples at one λ: samples, blocks run (k + 1 for an
/// exit at block k, L without one), candidate checks, samples whose emitted token is the full model's top-1 (always,
/// without an exit), blocks skipped (L − 1 − k per exit) and how many samples left at each block 0 … L−1 (L−1: no
/// exit, the full model).</summary>
public sealed record ExitRuleTotals(int Samples, long Blocks, long Checks, long Agreeing, long Skipped, IReadOnlyList<int> ExitHistogram);

/// <summary>
/// The one replay of exit mode's rule on recorded samples, shared by the offline λ curve (eval's exit_curve) and the
/// planner: a token exits at the first candidate block k whose jumped top softmax probability is ≥ λ and emits that
/// prediction; with none, the last block (the full model) produces it. Under recompute the token after an exited one
/// is decoded together with that token's recompute, and a two-token decode never exits: replayed with
/// <c>fullDepthAfterExit</c>, the sample after an exited one (in recorded order, a random order of contexts) runs to
/// full depth without checks.
/// </summary>
public static class ExitRuleReplay
{
    /// <param name="topProbability">[sample × levels] the jump's top probability at exit level k (levels = L − 1)</param>
    /// <param name="agrees">[sample × levels] whether that prediction is the full model's top-1</param>
    /// <param name="candidates">increasing exit levels, each in 0 … levels − 1</param>
    /// <param name="fullDepthAfterExit">recompute's rule: no exit (and no check) for the token after an exit</param>
    public static ExitRuleTotals Run(ReadOnlySpan<float> topProbability, ReadOnlySpan<bool> agrees, int levels, IReadOnlyList<int> candidates, double lambda,
        bool fullDepthAfterExit = false)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (levels < 1 || topProbability.Length % levels != 0 || agrees.Length != topProbability.Length)
            throw new ArgumentException($"{topProbability.Length} probabilities and {agrees.Length} agreement flags are not samples × {levels} levels");
        if (candidates.Any(k => k < 0 || k >= levels))
            throw new ArgumentException($"a candidate block is outside the exit levels 0..{levels - 1}");
        int samples = topProbability.Length / levels, nLayer = levels + 1;
        long blocks = 0, checks = 0, agree = 0, skipped = 0;
        var histogram = new int[nLayer];
        bool exited = false;
        for (int i = 0; i < samples; i++)
        {
            int tried = 0;
            int exit = fullDepthAfterExit && exited ? levels : Exit(topProbability.Slice(i * levels, levels), candidates, lambda, out tried);
            exited = exit < levels;
            checks += tried;
            if (exit < levels)
            {
                blocks += exit + 1;
                skipped += nLayer - 1 - exit;
                agree += agrees[i * levels + exit] ? 1 : 0;
                histogram[exit]++;
            }
            else
            {
                blocks += nLayer;
                agree++;
                histogram[nLayer - 1]++;
            }
        }
        return new ExitRuleTotals(samples, blocks, checks, agree, skipped, histogram);
    }

    /// <summary>The block one sample exits at under the rule: the first of <paramref name="candidates"/> (increasing)
    /// whose top probability in <paramref name="topProbability"/> (one per exit level) is ≥ λ; without one, the
    /// number of exit levels (= L − 1, the last block: no exit) — the exit block exit mode reports.</summary>
    public static int ExitOf(ReadOnlySpan<float> topProbability, IReadOnlyList<int> candidates, double lambda) =>
        Exit(topProbability, candidates, lambda, out _);

    private static int Exit(ReadOnlySpan<float> topProbability, IReadOnlyList<int> candidates, double lambda, out int tried)
    {
        tried = 0;
        foreach (int k in candidates)
        {
            tried++;
            if (topProbability[k] >= lambda)
                return k;
        }
        return topProbability.Length;
    }
}
