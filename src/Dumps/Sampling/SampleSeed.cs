namespace LlamaJump.Dumps.Sampling;

/// <summary>Derives independent 64-bit seeds from the dump seed, so that each random choice depends only on what
/// it is about — never on the order work is done in, the shard, or whether a run was resumed.</summary>
public static class SampleSeed
{
    private const ulong ShuffleStream = 0x5348_5546_464C_4531; // "SHUFFLE1"
    private const ulong TrainStream = 0x5452_4149_4E5F_5031;   // "TRAIN_P1"
    private const ulong TestStream = 0x5445_5354_5F5F_5031;    // "TEST__P1"

    /// <summary>The seed of the sentence shuffle of <see cref="SampleSelection"/>.</summary>
    public static ulong ForShuffle(ulong seed) => SplitMix64.Mix(SplitMix64.Mix(seed) ^ ShuffleStream);

    /// <summary>The seed of sample <paramref name="sampleIndex"/> of <paramref name="split"/> (its index in the
    /// whole split, across shards), used by <see cref="PositionPolicyExtensions.ChoosePosition"/>.</summary>
    public static ulong ForSample(ulong seed, DumpSplit split, int sampleIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleIndex);
        ulong stream = split switch
        {
            DumpSplit.Train => TrainStream,
            DumpSplit.Test => TestStream,
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
        };
        return SplitMix64.Mix(SplitMix64.Mix(SplitMix64.Mix(seed) ^ stream) + (ulong)sampleIndex);
    }
}
