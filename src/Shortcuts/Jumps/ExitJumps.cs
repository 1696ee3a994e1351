using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Shortcuts.Jumps;

/// <summary>Hands trained jumps to the native early exit.</summary>
public static class ExitJumps
{
    /// <summary>The jump trained at block <paramref name="level"/> in the form the backend installs.</summary>
    public static ExitJump ToExitJump(this JumpWeights jump, int level) =>
        new(jump.Hidden, jump.Rank, jump.Gamma, jump.Beta, jump.RunningMean, jump.RunningVar, jump.Eps, jump.A, jump.B)
        {
            TrainedLevel = level,
        };

    /// <summary>The OJFA jump of <paramref name="set"/> (the one jump that serves every exit level), or the jump of
    /// level <paramref name="level"/> when one is asked for.</summary>
    /// <exception cref="JumpFileException">the set has no jump for that level</exception>
    public static ExitJump Choose(JumpSet set, int? level = null)
    {
        int k = level ?? set.Ojfa;
        if (k < 0 || k >= set.Levels.Count || set.Levels[k] is not { } jump)
        {
            string name = set.Source is { } source ? Path.GetFileName(source) : "the jump set";
            throw new JumpFileException($"{name} holds no jump for level {k} (it has {string.Join(", ", Enumerable.Range(0, set.Levels.Count).Where(i => set.Levels[i] is not null))})");
        }
        return jump.ToExitJump(k);
    }
}
