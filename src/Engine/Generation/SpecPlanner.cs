namespace LlamaJump.Engine.Generation;

/// <summary>The draft block, draft length and draft threshold (null: not planned, the caller's default) spec mode
/// uses, with the speed-up the plan expects.</summary>
public sealed record SpecPlan(int DraftBlock, int DraftLength, double ExpectedSpeedup, string Reason, float? DraftThreshold = null);

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

    /// <summary>The draft thresholds <see cref="PlanGated"/> tries: 0 (always draft), 0.1 … 0.9.</summary>
    public static IReadOnlyList<float> Thresholds { get; } = [0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f];

    /// <summary>
    /// Gated drafting planned from per-sample data: the OJFA jump's top probability and agreement with the full model at
    /// every exit level ([sample × levels], eval's exit samples). At block k and threshold τ a draft is confident with
    /// probability q = P(p_k ≥ τ) and then right with a = P(agrees | p_k ≥ τ); a cycle of at most γ drafts computes
    /// Σ_{i&lt;γ} q^i draft steps (it stops at the first unsure one) and emits 1 + Σ_{i=1..γ} (q·a)^i tokens (drafts
    /// accepted while all before were confident and right, plus the full model's token), for an expected speed-up
    /// of that over (c_k·Σ_{i&lt;γ} q^i + 1) steps, with c_k as in <see cref="Plan"/>. τ = 0 (q = 1) is
    /// <see cref="Plan"/>'s model with α = the precision. Maximised over k, γ = 1 … 8 and <see cref="Thresholds"/>;
    /// tokens are taken as independent, and the back-off after unaccepted cycles is not modelled. Where the best
    /// expected speed-up is below 1 the threshold is left unplanned (null).
    /// </summary>
    public static SpecPlan PlanGated(ReadOnlySpan<float> topProbability, ReadOnlySpan<bool> agrees, int nLayer, double headBlocks)
    {
        int levels = nLayer - 1;
        if (levels < 1 || topProbability.Length == 0 || topProbability.Length % levels != 0 || agrees.Length != topProbability.Length)
            throw new ArgumentException($"{topProbability.Length} probabilities and {agrees.Length} flags are not samples × {levels} levels");
        int samples = topProbability.Length / levels;
        SpecPlan best = Default(nLayer) with { ExpectedSpeedup = 0 };
        for (int k = 0; k < levels; k++)
        {
            double cost = (k + 1 + headBlocks) / (nLayer + headBlocks);
            foreach (float tau in Thresholds)
            {
                int confident = 0, right = 0;
                for (int i = 0; i < samples; i++)
                {
                    if (topProbability[i * levels + k] >= tau)
                    {
                        confident++;
                        right += agrees[i * levels + k] ? 1 : 0;
                    }
                }
                double q = (double)confident / samples, qa = Math.Min((double)right / samples, 0.999);
                for (int gamma = 1; gamma <= MaxDraftLength; gamma++)
                {
                    double steps = 0, tokens = 1;
                    for (int i = 0; i < gamma; i++)
                    {
                        steps += Math.Pow(q, i);
                        tokens += Math.Pow(qa, i + 1);
                    }
                    double speedup = tokens / (cost * steps + 1);
                    if (speedup > best.ExpectedSpeedup + 1e-12)
                    {
                        best = new SpecPlan(k, gamma, speedup,
                            $"OJFA at block {k}: confident (≥ {tau:0.0}) on {q:P0} of tokens, {(confident > 0 ? (double)right / confident : 0):P0} of those right; draft step {cost:F2} of a full step", tau);
                    }
                }
            }
        }
        // below 1 no threshold pays in this model, which leaves out the back-off that makes unsure drafting cheap:
        // the threshold is then not planned (the caller's gated default applies)
        return best.ExpectedSpeedup < 1
            ? best with
            {
                DraftThreshold = null,
                Reason = best.Reason + $"; expected {best.ExpectedSpeedup:F2}× — below 1: too few confident drafts are right for spec to pay off; drafting stays gated at the default threshold, with back-off",
            }
            : best with { Reason = best.Reason + $"; expected {best.ExpectedSpeedup:F2}×" };
    }

    /// <summary>Tokens one cycle emits on average: accepted drafts plus the full model's own token.</summary>
    public static double ExpectedTokens(double alpha, int gamma) =>
        alpha >= 1 ? gamma + 1 : (1 - Math.Pow(alpha, gamma + 1)) / (1 - alpha);
}
