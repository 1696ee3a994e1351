using System.Globalization;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// Which "arbitrary choice" jumps m are evaluated at every exit level (head(jump_m(h^k)) for all k): all of them
/// (the paper's Figure 2), none, a listed set, or a seeded sample of N (<see cref="ArbitrarySample"/>) that always
/// holds the OJFA jump m*. Each listed or sampled jump costs one head pass per exit level and test sample, so on a
/// 31-level model "all" is 31 × 31 head passes per sample. Parsed from <c>--arbitrary all|none|N|LIST</c>:
/// <list type="bullet">
/// <item><c>N</c>, a positive integer alone: a sample of N jumps (N ≥ the number available: all of them);</item>
/// <item><c>0,3,5</c>: the listed jumps (two or more, comma-separated); <c>list:3</c> or <c>list:3,5</c>: the listed
/// jumps, however many, so a single jump can be given;</item>
/// <item><c>all</c>, <c>none</c>.</item>
/// </list>
/// N-NJTC and OJFA are separate methods and are evaluated whatever this selects.
/// </summary>
public sealed record ArbitrarySelection
{
    /// <summary>The default selection's sample size. A model with ≤ 9 blocks has ≤ 8 exit levels, so this is all of
    /// its jumps (stories260K's results and the pipeline's are those of "all"); on a 32-block 7B (31 exit levels) it
    /// cuts the arbitrary band from 31 to 8 jumps per level, 31 × 8 instead of 31 × 31 head passes per sample.</summary>
    public const int DefaultSample = 8;

    /// <summary>The prefix of a list that may have a single entry (<c>list:3</c>).</summary>
    public const string ListPrefix = "list:";

    private ArbitrarySelection(bool all, IReadOnlyList<int> jumps, int? sampleSize, int seed)
    {
        All = all;
        Jumps = jumps;
        SampleSize = sampleSize;
        Seed = seed;
    }

    public static ArbitrarySelection Everything { get; } = new(true, [], null, 0);

    public static ArbitrarySelection Nothing { get; } = new(false, [], null, 0);

    /// <summary>A sample of <see cref="DefaultSample"/> jumps with seed 0: what <c>eval</c> and the pipeline use
    /// unless told otherwise.</summary>
    public static ArbitrarySelection Default { get; } = Sample(DefaultSample);

    /// <summary>Every available jump.</summary>
    public bool All { get; }

    /// <summary>The listed jumps, increasing, without repeats (empty for all, none and a sample).</summary>
    public IReadOnlyList<int> Jumps { get; }

    /// <summary>The number of jumps to sample; null unless this is a sample.</summary>
    public int? SampleSize { get; }

    /// <summary>The sample's seed (<see cref="ArbitrarySample.Draw"/>); unused by all, none and a list.</summary>
    public int Seed { get; }

    public bool IsSample => SampleSize is not null;

    public bool IsNone => !All && !IsSample && Jumps.Count == 0;

    /// <summary>A seeded sample of <paramref name="size"/> jumps (≥ 1, else <see cref="ArgumentException"/>).</summary>
    public static ArbitrarySelection Sample(int size, int seed = 0) => size > 0
        ? new ArbitrarySelection(false, [], size, seed)
        : throw new ArgumentException($"a sample needs at least one jump (got {size}); use none to skip arbitrary choices");

    /// <summary>This selection with the sample seed <paramref name="seed"/>; all, none and a list do not use a seed and
    /// come back unchanged.</summary>
    public ArbitrarySelection WithSeed(int seed) => IsSample ? Sample(SampleSize!.Value, seed) : this;

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
        return new ArbitrarySelection(false, list, null, 0);
    }

    /// <summary>"all", "none", a sample size N ("8"), two or more comma-separated jump indices ("0,3,5"), or
    /// "list:" and one or more ("list:3"); a sample has seed 0 (<see cref="WithSeed"/>). Throws
    /// <see cref="FormatException"/> with a one-line reason.</summary>
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
        if (trimmed.StartsWith(ListPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Of(ParseList(trimmed[ListPrefix.Length..], text));
        }
        if (!trimmed.Contains(','))
        {
            if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            {
                throw new FormatException($"'{text}' is not all, none, a sample size N, a list like 0,3,5 or {ListPrefix}3");
            }
            if (size == 0)
            {
                throw new FormatException($"'{text}': a sample needs at least one jump; use none to skip arbitrary choices, or {ListPrefix}0 for jump 0 alone");
            }
            return Sample(size);
        }
        return Of(ParseList(trimmed, text));
    }

    private static List<int> ParseList(string list, string text)
    {
        var jumps = new List<int>();
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int m))
            {
                throw new FormatException($"'{text}' is not all, none, a sample size N, a list like 0,3,5 or {ListPrefix}3");
            }
            jumps.Add(m);
        }
        return jumps;
    }

    /// <summary>The jumps to evaluate among <paramref name="available"/> (the jump set's per-level jumps that exist),
    /// increasing: all of them, none, the listed ones, or the seeded sample, which holds <paramref name="ojfa"/> (m*,
    /// −1 for none) whenever it is available. A listed jump that is not available throws <see cref="ArgumentException"/>.</summary>
    public IReadOnlyList<int> Resolve(IReadOnlyList<int> available, int exitLevels, int ojfa)
    {
        if (All)
        {
            return available;
        }
        if (SampleSize is { } size)
        {
            return ArbitrarySample.Draw(available, size, ojfa, Seed);
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

    /// <summary>What <see cref="Resolve"/> sampled from <paramref name="available"/>: null unless this is a sample
    /// that leaves jumps out.</summary>
    public ArbitrarySample? SampleOf(IReadOnlyList<int> available) =>
        SampleSize is { } size && size < available.Count ? new ArbitrarySample(size, available.Count, Seed) : null;

    public override string ToString() => All ? "all" : IsSample ? $"{SampleSize} (seed {Seed})" : IsNone ? "none" : string.Join(',', Jumps);

    private static string Describe(IReadOnlyList<int> jumps) =>
        jumps.Count == 0 ? "no per-level jumps" : "jump" + (jumps.Count == 1 ? " " : "s ") + string.Join(", ", jumps);
}
