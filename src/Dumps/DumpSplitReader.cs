using LlamaJump.Dumps.Safetensors;

namespace LlamaJump.Dumps;

/// <summary>One split of an open dump: <see cref="Count"/> samples, each with one row of <see cref="NEmbd"/> floats
/// per block. Rows are read from the memory-mapped safetensors file on demand (F16 converted to float); reads may
/// run concurrently. Valid while its <see cref="DumpReader"/> is open.</summary>
public sealed class DumpSplitReader
{
    private readonly SafetensorsFile _file;
    private readonly SafetensorsTensor[] _blocks;

    internal DumpSplitReader(DumpSplit split, SafetensorsFile file, SafetensorsTensor[] blocks, int nEmbd,
        TensorDtype dtype, IReadOnlyList<DumpSample> samples)
    {
        Split = split;
        _file = file;
        _blocks = blocks;
        NEmbd = nEmbd;
        Dtype = dtype;
        Samples = samples;
    }

    public DumpSplit Split { get; }

    /// <summary>Rows (samples) in this directory's split.</summary>
    public int Count => Samples.Count;

    public int NLayer => _blocks.Length;
    public int NEmbd { get; }

    /// <summary>How the rows are stored; reads always return float.</summary>
    public TensorDtype Dtype { get; }

    /// <summary>Row r's record, in row order.</summary>
    public IReadOnlyList<DumpSample> Samples { get; }

    /// <summary>Reads row <paramref name="row"/> of block <paramref name="block"/> into
    /// <paramref name="destination"/> (exactly <see cref="NEmbd"/> floats).</summary>
    public void ReadRow(int block, int row, Span<float> destination)
    {
        if (destination.Length != NEmbd)
            throw new ArgumentException($"destination holds {destination.Length} floats, a row has {NEmbd}", nameof(destination));
        Block(block).ReadRow(row, destination);
    }

    /// <summary>Reads consecutive rows of block <paramref name="block"/> from <paramref name="firstRow"/> into
    /// <paramref name="destination"/> (a whole number of rows, row-major).</summary>
    public void ReadRows(int block, int firstRow, Span<float> destination) => Block(block).ReadRows(firstRow, destination);

    /// <summary>The whole block as one array of <c>Count × NEmbd</c> floats, row-major.</summary>
    public float[] ReadBlock(int block) => Block(block).ReadAll();

    /// <summary>The split's safetensors file; disposed by the <see cref="DumpReader"/>.</summary>
    internal SafetensorsFile File => _file;

    private SafetensorsTensor Block(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, NLayer);
        return _blocks[block];
    }
}
