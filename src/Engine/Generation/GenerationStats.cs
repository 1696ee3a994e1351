using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// Counters of one generation. <see cref="ExitHistogram"/>[k] counts the tokens produced from block k's output
/// (index n_layer − 1 = full depth). <see cref="BlocksExecuted"/> counts transformer blocks computed for generated
/// tokens, including spec-mode drafts, verification and recompute passes (prompt processing excluded), so
/// <see cref="BlocksPerToken"/> is the depth actually paid per generated token. <see cref="Seconds"/> runs from the
/// end of the prompt's decode (which yields the first token) to the last token. <see cref="AcceptanceRate"/> is
/// accepted drafts / drafted tokens in spec mode, null otherwise.
/// </summary>
public sealed record GenerationStats(
    int Tokens,
    long BlocksExecuted,
    double Seconds,
    IReadOnlyList<int> ExitHistogram,
    int Drafted = 0,
    int DraftsAccepted = 0,
    bool Spec = false)
{
    public double BlocksPerToken => Tokens == 0 ? 0 : (double)BlocksExecuted / Tokens;

    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;

    public double? AcceptanceRate => Spec ? (Drafted == 0 ? 0 : (double)DraftsAccepted / Drafted) : null;

    /// <summary>Spec mode: seconds in drafting decodes and in verification decodes; the rest of <see cref="Seconds"/>
    /// is overhead (choosing, emitting, cache edits).</summary>
    public double DraftSeconds { get; init; }
    public double VerifySeconds { get; init; }

    /// <summary>Spec mode: verifications that resumed after the draft block (shared K/V) and those that recomputed every
    /// block (other architectures, or a cache that moved the cells).</summary>
    public int SharedVerifications { get; init; }
    public int FullVerifications { get; init; }

    public static GenerationStats Empty(int nLayer) => new(0, 0, 0, new int[nLayer]);
}
