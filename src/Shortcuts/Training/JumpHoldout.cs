namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// The train split's rows divided into rows that train (<see cref="Train"/>) and rows held out for validation and early
/// stopping (<see cref="Validation"/>), both ascending. The validation share is round(count × fraction), at least one
/// row; at least <see cref="MinimumTrainRows"/> rows must remain to train on, since BatchNorm's batch statistics need
/// two rows (a variance of one row is undefined).
/// </summary>
public sealed record JumpHoldout(int[] Train, int[] Validation)
{
    public const int MinimumTrainRows = 2;

    /// <summary>The fewest rows a train split may have for <paramref name="fraction"/>.</summary>
    public static int MinimumCount(double fraction)
    {
        for (int count = MinimumTrainRows + 1; ; count++)
        {
            if (count - ValidationCount(count, fraction) >= MinimumTrainRows)
                return count;
        }
    }

    public static int ValidationCount(int count, double fraction) =>
        Math.Max(1, (int)Math.Round(count * fraction, MidpointRounding.AwayFromZero));

    /// <summary>Throws <see cref="JumpTrainingException"/> when <paramref name="count"/> rows are too few.</summary>
    public static JumpHoldout Create(int count, double fraction, ulong seed, string what)
    {
        int validation = ValidationCount(count, fraction);
        if (count - validation < MinimumTrainRows)
            throw new JumpTrainingException(
                $"{what} has {count} samples: too few for BatchNorm, which needs at least {MinimumTrainRows} training rows after holding out {validation} for validation (need at least {MinimumCount(fraction)} samples)");
        int[] order = JumpShuffle.Permutation(count, JumpShuffle.ForHoldout(seed));
        int[] held = order[..validation];
        int[] train = order[validation..];
        Array.Sort(held);
        Array.Sort(train);
        return new JumpHoldout(train, held);
    }
}
