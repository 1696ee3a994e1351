using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// A float array on the pinned object heap whose usable part starts at a 64-byte boundary, shared with libtorch
/// without copying (<c>torch.from_array</c>). The alignment matters for reproducibility, not only speed: libtorch's
/// BLAS picks its kernels by the address of the data, so the same numbers at another alignment can round
/// differently — and a plain managed array lands at a different alignment in every run.
/// </summary>
internal sealed class AlignedFloats
{
    private const int AlignmentFloats = 16; // 64 bytes
    private readonly float[] _array;
    private readonly int _offset;

    public AlignedFloats(long length)
    {
        Length = length;
        _array = GC.AllocateUninitializedArray<float>(checked((int)(length + AlignmentFloats)), pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        _offset = (int)((AlignmentFloats * sizeof(float) - address % (AlignmentFloats * sizeof(float))) % (AlignmentFloats * sizeof(float)) / sizeof(float));
    }

    public long Length { get; }

    /// <summary>The aligned part, or a slice of it.</summary>
    public Span<float> Span(long start, long length) => _array.AsSpan(checked((int)(_offset + start)), checked((int)length));

    /// <summary>A tensor over the first <paramref name="dims"/>-many floats (no copy): dispose it before the floats
    /// change.</summary>
    public Tensor View(params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        return from_array(_array).narrow(0, _offset, count).view(dims);
    }
}
