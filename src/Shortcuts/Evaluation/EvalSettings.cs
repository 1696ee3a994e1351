using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>How <see cref="JumpEvaluator"/> runs: which arbitrary jumps to score, hidden vectors per head call (null:
/// as many as fit <see cref="MaxLogitFloats"/>, at most <see cref="MaxAutoRows"/>; a head call has a fixed cost, so
/// bigger calls are faster), and threads for the jumps and the scoring (default: all cores; the head uses its own
/// threads). <paramref name="ArbitraryRows"/>: the arbitrary-choice jumps are scored on the first that many test
/// samples only (null: all); identity, N-NJTC, OJFA and the joint jump always on all of them.</summary>
public sealed record EvalSettings(ArbitrarySelection Arbitrary, int? BatchRows = null, int? Threads = null, int? ArbitraryRows = EvalSettings.DefaultArbitraryRows)
{
    /// <summary>
    /// Test samples the arbitrary band is scored on by default. The band (the paper's Figure 2) shows how far the
    /// choice of jump moves precision; 200 samples put a band member's mean precision within ±0.07 (two standard
    /// errors at p = 0.5), well inside the band's spread. With the default sample of 8 jumps it bounds the band at
    /// about 7 · (L−1) · 200 extra head rows: on Llama-2-7B with the paper's 3 000 test samples, 42 k of 414 k rows
    /// instead of 630 k of 1.0 M (26–30 instead of 62–72 minutes at the 231–269 rows/s measured on 2 cores; README
    /// "The paper's shapes, measured"). The dump's test split is a seeded random sample of the corpus, so its first
    /// samples are a random subsample.
    /// </summary>
    public const int DefaultArbitraryRows = 200;

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
