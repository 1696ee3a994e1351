using LlamaJump.Dumps;

namespace LlamaJump.Shortcuts.Training;

/// <summary>One split of an open dump as training rows, read from the memory-mapped safetensors file on demand (F16
/// converted to float). Valid while the <see cref="DumpReader"/> is open.</summary>
public sealed class DumpJumpRows(DumpSplitReader split, string directory) : IJumpRows
{
    public string Name { get; } = $"dump {directory} ({split.Split.Name()} split)";
    public int NLayer => split.NLayer;
    public int NEmbd => split.NEmbd;
    public int Count => split.Count;

    public int SampleIndex(int row) => split.Samples[row].SampleIndex;

    public void ReadRow(int block, int row, Span<float> destination) => split.ReadRow(block, row, destination);

    public void ReadRows(int block, int firstRow, Span<float> destination) => split.ReadRows(block, firstRow, destination);
}
