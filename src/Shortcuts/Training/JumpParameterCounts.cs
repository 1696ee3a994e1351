using System.Globalization;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// Shortcut parameters of the multi-jump and the single-jump (OJFA) set-ups: one jump is 2·H·r + 4·H (A, B and
/// BatchNorm's γ, β, running mean and running variance). The paper's multi-jump totals count one jump per block
/// (<see cref="Layers"/> jumps: GPT2-XL 48 × 57 600 = 2 764 800); LlamaJump trains one per exit level
/// k = 0 … L−2 (<see cref="ExitLevels"/> = L − 1 by default), since the last block needs no jump.
/// </summary>
public sealed record JumpParameterCounts(int Hidden, int Layers, int Rank, int ExitLevels)
{
    public static JumpParameterCounts For(int hidden, int layers, int rank, int? exitLevels = null) =>
        new(hidden, layers, rank, exitLevels ?? layers - 1);

    public long A => (long)Hidden * Rank;
    public long B => (long)Rank * Hidden;
    public long BatchNorm => 4L * Hidden;
    public long PerJump => JumpWeights.ParameterCountFor(Hidden, Rank);

    /// <summary>The paper's multi-jump total: one jump per block.</summary>
    public long PaperMulti => PerJump * Layers;

    /// <summary>LlamaJump's multi-jump total: one jump per exit level.</summary>
    public long LlamaJumpMulti => PerJump * ExitLevels;

    /// <summary>OJFA keeps one jump.</summary>
    public long Single => PerJump;

    /// <summary>The paper's notation: thousands or millions with at most two decimals, cut (not rounded) and
    /// without trailing zeros — 57 600 → "57.6K", 196 608 → "196.6K", 344 064 → "344.06K", 2 764 800 → "2.76M",
    /// 11 010 048 → "11.01M"; below 1 000 the plain number.</summary>
    public static string Compact(long count)
    {
        (double unit, string suffix) = count >= 1_000_000 ? (1e6, "M") : count >= 1_000 ? (1e3, "K") : (1, "");
        long hundredths = count * 100 / (long)unit; // truncated to two decimals
        string text = (hundredths / 100.0).ToString("0.##", CultureInfo.InvariantCulture);
        return text + suffix;
    }
}
