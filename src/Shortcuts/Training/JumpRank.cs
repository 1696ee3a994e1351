namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// The rank r of a jump's A (H×r) and B (r×H). The paper uses r = ⌊H/100⌋ (GPT2-XL 16, Phi3-Mini 30, Llama2-7B 40).
/// Below <see cref="Floor"/> that rule gives 0 (H &lt; 100) or a handful of directions, so the floor takes over. Why 8,
/// measured on stories260K (H = 64, 9 000 train samples, best exit level 3): the target's variance is 94.5 (summed
/// over H); an unconstrained affine map of h³ leaves 22.0 of it, the best rank-r maps leave 68.0 (r = 4), 56.7 (8),
/// 43.9 (16) — rank 4 captures about a third of what a linear shortcut can, rank 8 about half, and the trained rank-8
/// jump reaches that optimum (57.6). Rank 8 is the smallest that carries a usable share while staying a
/// low-rank shortcut (1 280 parameters per jump; a full 64 × 64 matrix alone has 4 096). The floor is kept below H
/// (at most H/2), since a rank of H or more is no low-rank shortcut.
/// </summary>
public static class JumpRank
{
    /// <summary>The smallest rank the default rule gives: max(⌊H/100⌋, 8).</summary>
    public const int Floor = 8;

    /// <summary>⌊H/100⌋ (the paper's rule), without the floor.</summary>
    public static int Paper(int hidden) => hidden / 100;

    /// <summary>max(⌊H/100⌋, <see cref="Floor"/>), capped at H/2 so small test models still get a low-rank jump;
    /// throws for H &lt; 2 (no rank below H exists).</summary>
    public static int Default(int hidden)
    {
        if (hidden < 2)
            throw new JumpTrainingException($"n_embd {hidden} leaves no rank below it: a jump needs n_embd of at least 2");
        return Math.Max(Paper(hidden), Math.Min(Floor, hidden / 2));
    }

    /// <summary>Why <see cref="Default"/> is what it is, for logs: "⌊H/100⌋, as the paper" or why not.</summary>
    public static string Explain(int hidden)
    {
        int paper = Paper(hidden);
        if (Default(hidden) == paper)
            return "⌊H/100⌋, as the paper";
        return Floor <= hidden / 2
            ? $"the floor {Floor}: the paper's ⌊H/100⌋ = {paper} is too small for n_embd {hidden}"
            : $"n_embd/2: the paper's ⌊H/100⌋ = {paper} is too small and the floor {Floor} does not fit n_embd {hidden}";
    }

    /// <summary>Whether the default differs from the paper's ⌊H/100⌋ (then the caller says so).</summary>
    public static bool IsFloored(int hidden) => Default(hidden) != Paper(hidden);

    /// <summary>Throws <see cref="JumpTrainingException"/> unless 1 ≤ <paramref name="rank"/> &lt; <paramref name="hidden"/>.</summary>
    public static int Check(int rank, int hidden)
    {
        if (rank < 1)
            throw new JumpTrainingException($"rank {rank} must be at least 1");
        if (rank >= hidden)
            throw new JumpTrainingException($"rank {rank} is not below n_embd {hidden}: a jump's A is n_embd × rank, so the rank must be less than n_embd");
        return rank;
    }
}
