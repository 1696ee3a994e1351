using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// Reusable staging arrays for one batch: inputs [g,n,H] and targets [n,H]. <see cref="Fill"/> gathers the rows (in
/// parallel over jumps when the batch is large), each minus its reference — jump g's inputs minus
/// <c>inputShift[g]</c> ([G][H]), the targets minus <c>targetShift</c> ([H]) — as <see cref="StackedJumps"/> takes
/// them; <see cref="Inputs"/> and <see cref="Targets"/> wrap the arrays as
/// tensors without copying (<see cref="AlignedFloats"/>), so those tensors must be disposed — by the step's dispose
/// scope — before the next <see cref="Fill"/>.
/// </summary>
internal sealed class JumpBatchBuffer(int groups, int maxRows, int hidden, float[] inputShift, float[] targetShift)
{
    private const long ParallelFloats = 1 << 20;
    private readonly AlignedFloats _x = new((long)groups * maxRows * hidden);
    private readonly AlignedFloats _t = new((long)maxRows * hidden);
    private int _groups;
    private int _rows;

    public int MaxRows => maxRows;

    /// <summary>Gathers items <paramref name="items"/>[<paramref name="offset"/> … +<paramref name="count"/>) for
    /// the jumps in <paramref name="active"/> (group indices of <paramref name="source"/>).</summary>
    public void Fill(IJumpRows rows, JumpItems source, int[] items, int offset, int count, int[] active)
    {
        if (count > maxRows || active.Length > groups)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} rows × {active.Length} jumps exceed the buffer");
        int target = rows.NLayer - 1;
        // Task j < active.Length fills jump active[j]'s inputs; the last task fills the targets.
        void Gather(int task)
        {
            bool isTarget = task == active.Length;
            Span<float> destination = isTarget ? _t.Span(0, (long)count * hidden) : _x.Span((long)task * count * hidden, (long)count * hidden);
            ReadOnlySpan<float> shift = isTarget ? targetShift : inputShift.AsSpan(active[task] * hidden, hidden);
            for (int i = 0; i < count; i++)
            {
                int item = items[offset + i];
                int block = isTarget ? target : source.Block(active[task], item);
                var row = destination.Slice(i * hidden, hidden);
                rows.ReadRow(block, source.Row(item), row);
                TensorPrimitives.Subtract(row, shift, row);
            }
        }
        if ((long)(active.Length + 1) * count * hidden >= ParallelFloats)
            Parallel.For(0, active.Length + 1, Gather);
        else
        {
            for (int task = 0; task <= active.Length; task++)
                Gather(task);
        }
        _groups = active.Length;
        _rows = count;
    }

    /// <summary>[g,n,H] view of the last <see cref="Fill"/>'s inputs.</summary>
    public Tensor Inputs() => _x.View(_groups, _rows, hidden);

    /// <summary>[n,H] view of the last <see cref="Fill"/>'s targets.</summary>
    public Tensor Targets() => _t.View(_rows, hidden);
}
