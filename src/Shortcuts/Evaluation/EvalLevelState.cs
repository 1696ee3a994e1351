namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// One exit level of an evaluation, finished: the shortcut keys scored there (identity −1, joint −2, jump m as m;
/// <see cref="EvalPlan.Keys"/>), for each key the test samples it was scored on, its hits and its surprisal sum, and
/// — where the plan keeps them — the OJFA and N-NJTC top probability and argmax of every test sample at this level
/// (null otherwise; always null at the last block). <see cref="HeadVectors"/>, <see cref="HeadSeconds"/> and
/// <see cref="Seconds"/> are the level's share of the throughput. Everything <see cref="JumpEvaluator"/> needs to
/// continue as if it had just computed the level.
/// </summary>
public sealed record EvalLevelState(
    int Level,
    int[] Keys,
    int[] RowCounts,
    long[] Hits,
    double[] SurprisalSums,
    float[]? OjfaTopProbability,
    int[]? OjfaArgmax,
    float[]? NnjtcTopProbability,
    int[]? NnjtcArgmax,
    long HeadVectors,
    double HeadSeconds,
    double Seconds)
{
    /// <summary>Whether this state is the given level of <paramref name="plan"/> on <paramref name="samples"/> test
    /// samples: the same keys and row counts, the per-sample predictions exactly where the plan keeps them.</summary>
    public bool Fits(EvalPlan plan, int level, int samples)
    {
        int exitLevels = plan.Keys.Count - 1;
        bool keeps = level < exitLevels;
        return Level == level
            && Keys.AsSpan().SequenceEqual(plan.Keys[level].ToArray())
            && RowCounts.AsSpan().SequenceEqual(plan.RowCounts[level])
            && Hits.Length == Keys.Length && SurprisalSums.Length == Keys.Length
            && Fits(OjfaTopProbability, OjfaArgmax, keeps && plan.Ojfa, samples)
            && Fits(NnjtcTopProbability, NnjtcArgmax, keeps && plan.Nnjtc, samples);
    }

    private static bool Fits(float[]? top, int[]? argmax, bool kept, int samples) =>
        kept ? top?.Length == samples && argmax?.Length == samples : top is null && argmax is null;
}

/// <summary>Where an evaluation keeps its finished levels, so that a run stopped part-way (Ctrl-C, a crash, a
/// reboot) resumes at the first level not finished. A store belongs to one set of inputs (model, dump, jumps);
/// <see cref="JumpEvaluator"/> checks each state against its plan (<see cref="EvalLevelState.Fits"/>) and recomputes
/// any level whose state does not fit.</summary>
public interface IEvalLevelStore
{
    /// <summary>The finished state of <paramref name="level"/>, or null when none is kept.</summary>
    EvalLevelState? Read(int level);

    /// <summary>Keeps a finished level; when this returns, the state survives the process.</summary>
    void Write(EvalLevelState state);
}
