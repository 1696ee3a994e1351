namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// A seeded sample of the arbitrary-choice jumps (<c>--arbitrary N --arbitrary-seed S</c>): <see cref="Size"/> of the
/// <see cref="Available"/> per-level jumps, drawn with <see cref="Seed"/>. Present in a plan and a result only when it
/// left jumps out (N &lt; available), so reports can say "a sample of N of M (seed S)".
/// <para>The draw (<see cref="Draw"/>) is ours, not <see cref="System.Random"/>'s, so it is the same on every platform
/// and .NET version: SplitMix64 (Steele, Lea and Flood 2014; the constants of Java's <c>SplittableRandom</c>) seeded
/// with the seed's 64-bit two's-complement value, bounded draws by rejection (no modulo bias), and a partial
/// Fisher–Yates shuffle over the available jumps in increasing order with the required jump (m*) taken out first.</para>
/// </summary>
public sealed record ArbitrarySample(int Size, int Available, int Seed)
{
    /// <summary>
    /// <paramref name="size"/> distinct jumps of <paramref name="available"/>, increasing. <paramref name="required"/>
    /// (the OJFA jump m*, or −1 for none) is always among them when it is available; the others are a partial
    /// Fisher–Yates draw from the rest. <paramref name="size"/> ≥ the number available gives all of them. The result
    /// depends only on (available, size, required, seed).
    /// </summary>
    public static IReadOnlyList<int> Draw(IReadOnlyList<int> available, int size, int required, int seed)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var pool = available.Distinct().Order().ToList();
        if (size >= pool.Count)
        {
            return pool;
        }
        var chosen = new List<int>(size);
        if (pool.Remove(required))
        {
            chosen.Add(required);
        }
        var random = new SplitMix64(unchecked((ulong)(long)seed));
        for (int i = 0; chosen.Count < size; i++)
        {
            int j = i + (int)random.NextBelow((ulong)(pool.Count - i));
            (pool[i], pool[j]) = (pool[j], pool[i]);
            chosen.Add(pool[i]);
        }
        chosen.Sort();
        return chosen;
    }

    /// <summary>SplitMix64: a 64-bit state advanced by the golden-ratio increment, each output mixed by two
    /// xor-shift-multiply rounds.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, <paramref name="bound"/>): outputs at or above the largest multiple of the bound
        /// are drawn again.</summary>
        public ulong NextBelow(ulong bound)
        {
            ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
            ulong x;
            do
            {
                x = Next();
            }
            while (x >= limit);
            return x % bound;
        }
    }
}
