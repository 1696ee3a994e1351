namespace LlamaJump.Interop.EarlyExit;

/// <summary>
/// When a one-token decode stops early: after each candidate block in <see cref="Levels"/> the jumped prediction's
/// largest softmax probability is compared with <see cref="Lambda"/> (λ in [0, 1]; above 1 = never, and no check is
/// computed). <see cref="Propagate"/>: the backend fills the skipped blocks' K/V from the exit state; otherwise the
/// caller fills them (recompute) or does not need them (speculative drafts).
/// </summary>
public sealed record ExitPolicy(IReadOnlyList<int> Levels, float Lambda, bool Propagate)
{
    /// <summary>No early exit (the graph has no branch and no callback).</summary>
    public static ExitPolicy Off { get; } = new([], 2f, false);

    /// <summary>Always stop after block <paramref name="level"/>.</summary>
    public static ExitPolicy Fixed(int level, bool propagate) => new([level], 0f, propagate);

    /// <summary>λ above 1 is "never exit"; NaN and negative values are refused.</summary>
    public static bool IsValidLambda(float lambda) => !float.IsNaN(lambda) && lambda >= 0;
}
