using System.Buffers;

namespace LlamaJump.Dumps.Safetensors;

/// <summary>One tensor of an open <see cref="SafetensorsFile"/>, read as rows: a row is the first dimension,
/// its length the product of the others (a scalar is one row of one element). Reads convert F16 to float and copy
/// out of the memory map; they are valid only while the file is open.</summary>
public sealed class SafetensorsTensor
{
    private readonly SafetensorsFile _file;
    private readonly long _offset;

    internal SafetensorsTensor(SafetensorsFile file, SafetensorsEntry entry, long dataStart)
    {
        _file = file;
        Name = entry.Name;
        Dtype = entry.Dtype;
        Shape = entry.Shape;
        _offset = dataStart + entry.Begin;
        ByteLength = entry.End - entry.Begin;
        Rows = Shape.Count == 0 ? 1 : Shape[0];
        RowLength = Shape.Count == 0 ? 1 : Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    public string Name { get; }
    public TensorDtype Dtype { get; }
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Size of the first dimension.</summary>
    public long Rows { get; }

    /// <summary>Elements per row.</summary>
    public long RowLength { get; }

    public long ByteLength { get; }

    /// <summary>Reads row <paramref name="row"/> into <paramref name="destination"/>, which must hold exactly
    /// <see cref="RowLength"/> floats.</summary>
    public void ReadRow(long row, Span<float> destination) => ReadRows(row, destination);

    /// <summary>Reads consecutive rows starting at <paramref name="firstRow"/> into <paramref name="destination"/>,
    /// whose length must be a whole number of rows (row-major).</summary>
    public void ReadRows(long firstRow, Span<float> destination)
    {
        long rowCount = CheckRows(firstRow, destination.Length);
        long offset = _offset + firstRow * RowLength * Dtype.ElementSize();
        if (rowCount == 0)
            return;
        if (Dtype == TensorDtype.F32)
        {
            _file.Buffer.ReadSpan((ulong)offset, destination);
            return;
        }
        const int chunk = 1 << 16;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Min(chunk, destination.Length) * 2);
        try
        {
            while (!destination.IsEmpty)
            {
                int count = Math.Min(chunk, destination.Length);
                Span<byte> part = bytes.AsSpan(0, count * 2);
                _file.Buffer.ReadSpan((ulong)offset, part);
                TensorConversion.Decode(TensorDtype.F16, part, destination[..count]);
                destination = destination[count..];
                offset += part.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Reads the whole tensor as floats (row-major). Allocates <c>Rows × RowLength</c> floats.</summary>
    public float[] ReadAll()
    {
        var result = new float[checked((int)(Rows * RowLength))];
        ReadRows(0, result);
        return result;
    }

    private long CheckRows(long firstRow, int elements)
    {
        ObjectDisposedException.ThrowIf(_file.IsDisposed, _file);
        if (RowLength == 0 ? elements != 0 : elements % RowLength != 0)
            throw new ArgumentException($"{elements} elements are not whole rows of {RowLength}");
        long rowCount = RowLength == 0 ? 0 : elements / RowLength;
        if (firstRow < 0 || firstRow + rowCount > Rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow),
                $"rows {firstRow}..{firstRow + rowCount} are outside tensor '{Name}' ({Rows} rows)");
        return rowCount;
    }
}
