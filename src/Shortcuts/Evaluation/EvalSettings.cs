using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>How <see cref="JumpEvaluator"/> runs: which arbitrary jumps to score, hidden vectors per head call (null:
/// as many as fit <see cref="MaxLogitFloats"/>, at most <see cref="MaxAutoRows"/>; a head call has a fixed cost, so
/// bigger calls are faster), and threads for the jumps and the scoring (default: all cores; the head uses its own
/// threads).</summary>
public sealed record EvalSettings(ArbitrarySelection Arbitrary, int? BatchRows = null, int? Threads = null)
{
    /// <summary>The most logits one head call may return (64 MiB of floats).</summary>
    public const int MaxLogitFloats = 1 << 24;

    /// <summary>The most rows per head call chosen automatically.</summary>
    public const int MaxAutoRows = 4096;

    public static EvalSettings Default { get; } = new(ArbitrarySelection.Default);

    public int EffectiveThreads => Math.Max(1, Threads ?? CpuBudget.Current().Cores);

    /// <summary>Rows per head call for a vocabulary of <paramref name="nVocab"/>.</summary>
    public int RowsPerCall(int nVocab) => BatchRows is { } rows
        ? Math.Max(1, rows)
        : Math.Clamp(MaxLogitFloats / Math.Max(nVocab, 1), 1, MaxAutoRows);
}
