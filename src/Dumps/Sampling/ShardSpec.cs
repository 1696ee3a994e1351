using System.Globalization;

namespace LlamaJump.Dumps.Sampling;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (1-based, written "i/n"): within each split it takes
/// the samples whose index modulo n is i − 1, so n shards partition every split and a sample's shard depends only
/// on its index.</summary>
public sealed record ShardSpec
{
    public ShardSpec(int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
            throw new ArgumentOutOfRangeException(nameof(index), $"shard {index}/{count}: need 1 ≤ i ≤ n");
        Index = index;
        Count = count;
    }

    /// <summary>1-based.</summary>
    public int Index { get; }

    public int Count { get; }

    /// <summary>Parses "i/n" with 1 ≤ i ≤ n. Throws <see cref="FormatException"/> with a one-line message.</summary>
    public static ShardSpec Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new FormatException($"shard '{text}' is not of the form i/n (for example 2/4)");
        if (count < 1)
            throw new FormatException($"shard '{text}': n must be at least 1");
        if (index < 1 || index > count)
            throw new FormatException($"shard '{text}': i must be between 1 and {count}");
        return new ShardSpec(index, count);
    }

    /// <summary>Whether sample <paramref name="sampleIndex"/> of a split belongs to this shard.</summary>
    public bool Contains(int sampleIndex) => sampleIndex % Count == Index - 1;

    /// <summary>The indices of this shard's samples among <paramref name="splitCount"/>, ascending.</summary>
    public IEnumerable<int> SampleIndices(int splitCount)
    {
        for (int i = Index - 1; i < splitCount; i += Count)
            yield return i;
    }

    /// <summary>How many of <paramref name="splitCount"/> samples this shard takes.</summary>
    public int CountOf(int splitCount) => splitCount < Index ? 0 : (splitCount - Index) / Count + 1;

    public override string ToString() => $"{Index}/{Count}";
}
