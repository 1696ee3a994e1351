namespace LlamaJump.Shortcuts.Training;

/// <summary>Rows held in arrays: <c>blocks[b]</c> is block b's [count][n_embd] row-major matrix. The arrays are
/// used as given (not copied).</summary>
public sealed class InMemoryJumpRows : IJumpRows
{
    private readonly float[][] _blocks;

    public InMemoryJumpRows(IReadOnlyList<float[]> blocks, int nEmbd, string name = "in-memory rows")
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nEmbd);
        if (blocks.Count == 0)
            throw new ArgumentException("at least one block is needed", nameof(blocks));
        if (blocks[0].Length % nEmbd != 0)
            throw new ArgumentException($"block 0 holds {blocks[0].Length} floats, not a whole number of rows of {nEmbd}", nameof(blocks));
        int count = blocks[0].Length / nEmbd;
        for (int b = 0; b < blocks.Count; b++)
        {
            if (blocks[b].Length != (long)count * nEmbd)
                throw new ArgumentException($"block {b} holds {blocks[b].Length} floats, block 0 {blocks[0].Length}", nameof(blocks));
        }
        _blocks = [.. blocks];
        NEmbd = nEmbd;
        Count = count;
        Name = name;
    }

    public string Name { get; }
    public int NLayer => _blocks.Length;
    public int NEmbd { get; }
    public int Count { get; }

    public int SampleIndex(int row) => row;

    /// <summary>Block <paramref name="block"/>'s array as given.</summary>
    public float[] Block(int block) => _blocks[block];

    public void ReadRow(int block, int row, Span<float> destination)
    {
        if (destination.Length != NEmbd)
            throw new ArgumentException($"destination holds {destination.Length} floats, a row has {NEmbd}", nameof(destination));
        ReadRows(block, row, destination);
    }

    public void ReadRows(int block, int firstRow, Span<float> destination)
    {
        if (destination.Length % NEmbd != 0)
            throw new ArgumentException($"destination holds {destination.Length} floats, not a whole number of rows of {NEmbd}", nameof(destination));
        int rows = destination.Length / NEmbd;
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow + rows, Count, nameof(firstRow));
        _blocks[block].AsSpan(firstRow * NEmbd, rows * NEmbd).CopyTo(destination);
    }
}
