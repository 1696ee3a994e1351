namespace LlamaJump.Models;

/// <summary>
/// A test and benchmark variant of a random model, no claim about quality: every block after <see cref="After"/>
/// (blocks After + 1 … L − 1, 0-based) has the projections that write into the residual stream — the attention output
/// (attn_output, wo) and the FFN down projection (ffn_down), their biases included where a family has them, and the
/// post-norms of gemma2, gemma3 and olmo2, whose normalisation would undo that — scaled by
/// <see cref="Scale"/> on top of <see cref="RandomModelSpec.ResidualProjectionScale"/>. The residual stream then
/// barely changes after block After, so an early exit there (a jump close to the identity) agrees with the full model
/// and speculative drafts from it are accepted. The file says so under <see cref="RandomModelPlan.QuietAfterKey"/>
/// and <see cref="RandomModelPlan.QuietScaleKey"/>.
/// </summary>
/// <param name="After">The last block at full strength; in 0 … L − 2, so at least one block is quiet.</param>
/// <param name="Scale">Positive and finite; <see cref="DefaultScale"/> unless chosen.</param>
public sealed record QuietBlocks(uint After, double Scale = QuietBlocks.DefaultScale)
{
    public const double DefaultScale = 0.01;

    /// <summary>The factor on block <paramref name="block"/>'s residual projections: <see cref="Scale"/> after
    /// <see cref="After"/>, 1 up to it.</summary>
    public double Factor(int block) => block > After ? Scale : 1;
}
