namespace LlamaJump.Dumps.Sampling;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014), written out here so that a seed selects the same samples on
/// every platform and .NET version (System.Random's algorithm is not part of its contract). The exact sequence is
/// part of the dump format: changing it changes which samples a seed picks.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method with
    /// rejection). <paramref name="bound"/> must be positive.</summary>
    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        uint n = (uint)bound;
        ulong product = (Next() >> 32) * n;
        uint low = (uint)product;
        if (low < n)
        {
            uint threshold = (uint)(-(int)n) % n; // 2^32 mod n
            while (low < threshold)
            {
                product = (Next() >> 32) * n;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>SplitMix64's output function: a bijective 64-bit mix, also used to derive independent seeds.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
