using System.Globalization;
using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// The candidate exit blocks of a model with <c>nLayer</c> blocks (exit blocks are 0 … nLayer − 2). Default: every
/// block from ⌊nLayer / 4⌋ on — a check costs a head evaluation, so the shallowest quarter, where the paper's jumps
/// are weakest, is not checked. A user gives a list ("6,8,12") or a start and stride ("6:2" = 6, 8, 10, …).
/// </summary>
public static class ExitCandidates
{
    public static int DefaultMinimum(int nLayer) => nLayer / 4;

    public static IReadOnlyList<int> Default(int nLayer) => FromStride(nLayer, DefaultMinimum(nLayer), 1);

    public static IReadOnlyList<int> FromStride(int nLayer, int first, int stride)
    {
        if (nLayer < 2)
        {
            throw new ArgumentException($"a model with {nLayer} block(s) has no exit block");
        }
        if (first < 0 || first > nLayer - 2)
        {
            throw new ArgumentException($"exit block {first} is beyond the model: its exit blocks are 0..{nLayer - 2}");
        }
        if (stride < 1)
        {
            throw new ArgumentException($"the stride must be at least 1 (got {stride})");
        }
        var levels = new List<int>();
        for (int k = first; k <= nLayer - 2; k += stride)
        {
            levels.Add(k);
        }
        return levels;
    }

    /// <summary>Parses "a,b,c" or "first:stride"; throws <see cref="ArgumentException"/> with a one-line message.</summary>
    public static IReadOnlyList<int> Parse(string text, int nLayer)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains(':', StringComparison.Ordinal))
        {
            string[] parts = text.Split(':');
            if (parts.Length != 2 || !TryInt(parts[0], out int first) || !TryInt(parts[1], out int stride))
            {
                throw new ArgumentException($"'{text}' is not FIRST:STRIDE");
            }
            return FromStride(nLayer, first, stride);
        }
        var levels = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryInt(part, out int k))
            {
                throw new ArgumentException($"'{part}' is not a block number");
            }
            if (k < 0 || k > nLayer - 2)
            {
                throw new ArgumentException($"exit block {k} is beyond the model: its exit blocks are 0..{nLayer - 2}");
            }
            levels.Add(k);
        }
        if (levels.Count == 0)
        {
            throw new ArgumentException("the list of exit blocks is empty");
        }
        return levels.ToList();
    }

    private static bool TryInt(string s, out int value) =>
        int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
}
