namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// The hidden states a jump is trained and scored on: <see cref="Count"/> samples, each with one row of
/// <see cref="NEmbd"/> floats per block 0 … <see cref="NLayer"/> − 1 (block L − 1's row is the target, h^{L−1}).
/// Implementations: <see cref="InMemoryJumpRows"/> (arrays, for tests and small data) and <see cref="DumpJumpRows"/>
/// (a dump split, rows read from the memory-mapped file on demand, so a 9 000 × 4 096 × 32 split is never held as
/// floats all at once). Reads may run concurrently.
/// </summary>
public interface IJumpRows
{
    /// <summary>What the rows are, for messages: "dump /data/d (train split)".</summary>
    string Name { get; }

    int NLayer { get; }

    int NEmbd { get; }

    int Count { get; }

    /// <summary>The sample index row <paramref name="row"/> was recorded under (the dump's sample index), for
    /// messages; equal to the row for in-memory data.</summary>
    int SampleIndex(int row);

    /// <summary>Reads row <paramref name="row"/> of block <paramref name="block"/> (exactly <see cref="NEmbd"/> floats).</summary>
    void ReadRow(int block, int row, Span<float> destination);

    /// <summary>Reads consecutive rows of block <paramref name="block"/> from <paramref name="firstRow"/>; the
    /// destination holds a whole number of rows, row-major.</summary>
    void ReadRows(int block, int firstRow, Span<float> destination);
}
