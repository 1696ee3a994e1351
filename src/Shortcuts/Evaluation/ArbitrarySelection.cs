using System.Globalization;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// Which "arbitrary choice" jumps m are evaluated at every exit level (head(jump_m(h^k)) for all k): all of them
/// (the paper's Figure 2), none (saves (L−1)² head passes on a large model), or a list. Parsed from
/// <c>--arbitrary all|none|0,3,5</c>.
/// </summary>
public sealed record ArbitrarySelection
{
    private ArbitrarySelection(bool all, IReadOnlyList<int> jumps)
    {
        All = all;
        Jumps = jumps;
    }

    public static ArbitrarySelection Everything { get; } = new(true, []);

    public static ArbitrarySelection Nothing { get; } = new(false, []);

    /// <summary>Every available jump.</summary>
    public bool All { get; }

    /// <summary>The listed jumps, increasing, without repeats (empty for all and none).</summary>
    public IReadOnlyList<int> Jumps { get; }

    public bool IsNone => !All && Jumps.Count == 0;

    public static ArbitrarySelection Of(IEnumerable<int> jumps)
    {
        var list = jumps.Distinct().Order().ToList();
        if (list.Count == 0)
        {
            return Nothing;
        }
        if (list[0] < 0)
        {
            throw new ArgumentException($"jump {list[0]} is negative");
        }
        return new ArbitrarySelection(false, list);
    }

    /// <summary>"all", "none", or comma-separated jump indices ("0,3,5"); throws <see cref="FormatException"/>.</summary>
    public static ArbitrarySelection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return Everything;
        }
        if (trimmed.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return Nothing;
        }
        var jumps = new List<int>();
        foreach (string part in trimmed.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int m))
            {
                throw new FormatException($"'{text}' is not all, none or a list of jump indices like 0,3,5");
            }
            jumps.Add(m);
        }
        return Of(jumps);
    }

    /// <summary>The jumps to evaluate among <paramref name="available"/> (the jump set's per-level jumps that exist);
    /// a listed jump that is not available throws <see cref="ArgumentException"/>.</summary>
    public IReadOnlyList<int> Resolve(IReadOnlyList<int> available, int exitLevels)
    {
        if (All)
        {
            return available;
        }
        foreach (int m in Jumps)
        {
            if (m >= exitLevels)
            {
                throw new ArgumentException($"--arbitrary: there is no jump {m}; jumps are 0 … {exitLevels - 1}");
            }
            if (!available.Contains(m))
            {
                throw new ArgumentException($"--arbitrary: the jump file does not hold jump {m} (it holds {Describe(available)})");
            }
        }
        return Jumps;
    }

    public override string ToString() => All ? "all" : IsNone ? "none" : string.Join(',', Jumps);

    private static string Describe(IReadOnlyList<int> jumps) =>
        jumps.Count == 0 ? "no per-level jumps" : "jump" + (jumps.Count == 1 ? " " : "s ") + string.Join(", ", jumps);
}
