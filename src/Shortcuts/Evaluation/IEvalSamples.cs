using LlamaJump.Dumps;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// The test samples an evaluation scores: <see cref="Count"/> samples, each with one row of <see cref="NEmbd"/> floats
/// per block 0 … <see cref="NLayer"/> − 1 and the full model's top-1 next token there (with its log-probability).
/// Implementations: <see cref="DumpEvalSamples"/> (a dump split, read on demand) and <see cref="ArrayEvalSamples"/>.
/// </summary>
public interface IEvalSamples
{
    int Count { get; }

    int NLayer { get; }

    int NEmbd { get; }

    /// <summary>The full model's most likely next token for row <paramref name="row"/>.</summary>
    int Top1(int row);

    /// <summary>Its natural-log probability under the full model.</summary>
    float Top1LogProb(int row);

    /// <summary>Reads consecutive rows of block <paramref name="block"/> from <paramref name="firstRow"/>; the
    /// destination holds a whole number of rows, row-major.</summary>
    void ReadRows(int block, int firstRow, Span<float> destination);
}

/// <summary>A dump split as evaluation samples (rows stay memory-mapped; F16 is converted on read). Valid while its
/// <see cref="DumpReader"/> is open.</summary>
public sealed class DumpEvalSamples(DumpSplitReader split) : IEvalSamples
{
    public int Count => split.Count;
    public int NLayer => split.NLayer;
    public int NEmbd => split.NEmbd;

    public int Top1(int row) => split.Samples[row].Top1;

    public float Top1LogProb(int row) => split.Samples[row].Top1Logprob;

    public void ReadRows(int block, int firstRow, Span<float> destination) => split.ReadRows(block, firstRow, destination);
}

/// <summary>Evaluation samples held in arrays: <c>blocks[b]</c> is block b's rows, [count][n_embd] row-major.</summary>
public sealed class ArrayEvalSamples : IEvalSamples
{
    private readonly float[][] _blocks;
    private readonly int[] _top1;
    private readonly float[] _top1LogProb;

    public ArrayEvalSamples(float[][] blocks, int nEmbd, int[] top1, float[]? top1LogProb = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(top1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nEmbd, 1);
        foreach (var block in blocks)
        {
            if (block.Length != (long)top1.Length * nEmbd)
            {
                throw new ArgumentException($"a block holds {block.Length} floats, {top1.Length} rows of {nEmbd} need {(long)top1.Length * nEmbd}", nameof(blocks));
            }
        }
        if (top1LogProb is not null && top1LogProb.Length != top1.Length)
        {
            throw new ArgumentException($"{top1LogProb.Length} log-probabilities for {top1.Length} rows", nameof(top1LogProb));
        }
        _blocks = blocks;
        _top1 = top1;
        _top1LogProb = top1LogProb ?? new float[top1.Length];
        NEmbd = nEmbd;
    }

    public int Count => _top1.Length;
    public int NLayer => _blocks.Length;
    public int NEmbd { get; }

    public int Top1(int row) => _top1[row];

    public float Top1LogProb(int row) => _top1LogProb[row];

    public void ReadRows(int block, int firstRow, Span<float> destination) =>
        _blocks[block].AsSpan(firstRow * NEmbd, destination.Length).CopyTo(destination);
}
