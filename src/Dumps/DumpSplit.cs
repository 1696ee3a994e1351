namespace LlamaJump.Dumps;

/// <summary>The two disjoint sample sets of a dump. Their lower-case names ("train", "test") name the files.</summary>
public enum DumpSplit
{
    Train,
    Test,
}

public static class DumpSplitExtensions
{
    /// <summary>Both splits, in file order.</summary>
    public static IReadOnlyList<DumpSplit> All { get; } = [DumpSplit.Train, DumpSplit.Test];

    /// <summary>"train" or "test".</summary>
    public static string Name(this DumpSplit split) => split switch
    {
        DumpSplit.Train => "train",
        DumpSplit.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    /// <summary>Parses "train" or "test"; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static DumpSplit ParseSplit(string name) => name switch
    {
        "train" => DumpSplit.Train,
        "test" => DumpSplit.Test,
        _ => throw new ArgumentException($"'{name}' is not a split (train, test)", nameof(name)),
    };
}
