namespace LlamaJump.Engine.Generation;

/// <summary>The draft block and draft length spec mode uses, with the speed-up the plan expects.</summary>
public sealed record SpecPlan(int DraftBlock, int DraftLength, double ExpectedSpeedup, string Reason);

/// <summary>
/// Chooses spec mode's draft block k and draft length γ from the evaluation: the OJFA jump's Precision@1 at level k
/// (how often head(jump(h^k)) names the full model's top-1 token) stands for the per-token acceptance α_k. With a
/// draft step costing c_k = (k + 1 + h) / L of a full step (blocks up to k plus the head, h in block equivalents)
/// and a verification costing one full step (a small batch is memory-bound: about the cost of one token), a cycle
/// emits (1 − α^(γ+1)) / (1 − α) tokens (Leviathan et al., 2023) for γ·c_k + 1 steps. The plan maximises that ratio
/// over k = 0 … L−2 and γ = 1 … 8. Without an evaluation it falls back to k = L/2 − 1, γ = 4.
/// </summary>
public static class SpecPlanner
{
    public const int MaxDraftLength = 8;

    public static SpecPlan Default(int nLayer) =>
        new(Math.Max(0, nLayer / 2 - 1), 4, double.NaN, "no evaluation results: the middle block and 4 drafts");

    /// <param name="precision">the OJFA jump's Precision@1 per exit level k = 0 … L−2</param>
    /// <param name="headBlocks">the head's cost in blocks (e.g. its weight bytes over one block's)</param>
    public static SpecPlan Plan(IReadOnlyList<double> precision, int nLayer, double headBlocks)
    {
        ArgumentNullException.ThrowIfNull(precision);
        if (precision.Count != nLayer - 1)
        {
            throw new ArgumentException($"{precision.Count} precisions for a model of {nLayer} blocks (expected {nLayer - 1})");
        }
        SpecPlan best = Default(nLayer) with { ExpectedSpeedup = 0 };
        for (int k = 0; k < nLayer - 1; k++)
        {
            double alpha = Math.Clamp(precision[k], 0, 0.999);
            double cost = (k + 1 + headBlocks) / (nLayer + headBlocks);
            for (int gamma = 1; gamma <= MaxDraftLength; gamma++)
            {
                double speedup = ExpectedTokens(alpha, gamma) / (gamma * cost + 1);
                if (speedup > best.ExpectedSpeedup)
                {
                    best = new SpecPlan(k, gamma, speedup,
                        $"OJFA Precision@1 {alpha:F3} at block {k}, draft step {cost:F2} of a full step");
                }
            }
        }
        string verdict = best.ExpectedSpeedup < 1
            ? $"; expected {best.ExpectedSpeedup:F2}× — below 1: these jumps agree with the full model too rarely for spec to pay off"
            : $"; expected {best.ExpectedSpeedup:F2}×";
        return best with { Reason = best.Reason + verdict };
    }

    /// <summary>Tokens one cycle emits on average: accepted drafts plus the full model's own token.</summary>
    public static double ExpectedTokens(double alpha, int gamma) =>
        alpha >= 1 ? gamma + 1 : (1 - Math.Pow(alpha, gamma + 1)) / (1 - alpha);
}
