using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// Every random choice of training, derived from the seed with SplitMix64 (platform-stable, unlike System.Random and
/// libtorch's generator): the validation hold-out, each epoch's row order, each jump's initial weights. Each use has
/// its own stream, so changing one (say, the number of epochs) leaves the others as they were.
/// </summary>
public static class JumpShuffle
{
    private const ulong HoldoutStream = 0x686F6C646F757421; // "holdout!"
    private const ulong EpochStream = 0x65706F6368212121;   // "epoch!!!"
    private const ulong PooledStream = 0x706F6F6C65642121;  // "pooled!!"
    private const ulong InitStream = 0x696E697469616C21;    // "initial!"

    /// <summary>A uniformly random permutation of 0 … n−1 (Fisher–Yates).</summary>
    public static int[] Permutation(int n, ulong seed)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        var random = new SplitMix64(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.NextBelow(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    public static ulong ForHoldout(ulong seed) => Stream(seed, HoldoutStream, 0);

    /// <summary>The order of the per-level training rows in epoch <paramref name="epoch"/> (1-based); the same for
    /// every level, which is why the batched and loop strategies see the same batches.</summary>
    public static ulong ForEpoch(ulong seed, int epoch) => Stream(seed, EpochStream, (ulong)epoch);

    /// <summary>The order of the joint jump's (level, row) pairs in epoch <paramref name="epoch"/>.</summary>
    public static ulong ForPooledEpoch(ulong seed, int epoch) => Stream(seed, PooledStream, (ulong)epoch);

    /// <summary>Initial weights of jump <paramref name="jump"/>: exit level k ≥ 0, or −1 for the joint jump.</summary>
    public static ulong ForInit(ulong seed, int jump) => Stream(seed, InitStream, (ulong)(jump + 2));

    /// <summary><paramref name="count"/> floats uniform in [−bound, bound), from SplitMix64 (24 random bits each).</summary>
    public static float[] Uniform(int count, double bound, ulong seed)
    {
        var random = new SplitMix64(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double unit = (random.Next() >> 40) * (1.0 / (1 << 24)); // [0, 1)
            values[i] = (float)((2 * unit - 1) * bound);
        }
        return values;
    }

    private static ulong Stream(ulong seed, ulong stream, ulong index) =>
        SplitMix64.Mix(SplitMix64.Mix(SplitMix64.Mix(seed) ^ stream) + index);
}
