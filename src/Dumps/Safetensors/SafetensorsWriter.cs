using System.Buffers;

namespace LlamaJump.Dumps.Safetensors;

/// <summary>Writes a safetensors file of two-dimensional tensors whose shapes are known up front, row by row, in
/// any order. The header and the full file size are written at creation, so each row has a fixed offset and
/// memory stays bounded by the caller's rows: the file is never held in memory.
/// <para>The file is written as <c>{Path}.tmp</c> and becomes <see cref="Path"/> only in <see cref="Complete"/>
/// (an atomic rename). A writer disposed without <see cref="Complete"/> leaves only the <c>.tmp</c> file, which
/// <see cref="TryResume"/> can reopen. Rows never written read as zeros. Not thread-safe.</para></summary>
public sealed class SafetensorsWriter : IDisposable
{
    private const int ChunkBytes = 1 << 20;

    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly IReadOnlyList<SafetensorsEntry> _entries;
    private bool _closed;

    private SafetensorsWriter(string path, FileStream stream, long dataStart, IReadOnlyList<SafetensorsTensorSpec> tensors,
        IReadOnlyList<SafetensorsEntry> entries)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Tensors = tensors;
        _entries = entries;
    }

    /// <summary>The final path; the file being written is <see cref="TempPath"/>.</summary>
    public string Path { get; }

    public string TempPath => TempPathFor(Path);

    /// <summary>In file order; <see cref="WriteRows"/> addresses them by index in this list.</summary>
    public IReadOnlyList<SafetensorsTensorSpec> Tensors { get; }

    /// <summary>The name of the file being written for <paramref name="path"/>.</summary>
    public static string TempPathFor(string path) => path + ".tmp";

    /// <summary>Creates (or overwrites) <c>{path}.tmp</c> with the header and the data area preallocated, so a
    /// full disk shows here rather than halfway through. Tensors are laid out back to back in the given order;
    /// <paramref name="metadata"/> becomes <c>__metadata__</c>.</summary>
    public static SafetensorsWriter Create(string path, IReadOnlyList<SafetensorsTensorSpec> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        TensorConversion.EnsureLittleEndian();
        byte[] header = SafetensorsHeader.Build(tensors, metadata, out var entries);
        long total = checked(header.Length + (entries.Count == 0 ? 0 : entries[^1].End));
        var stream = new FileStream(TempPathFor(path), new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            BufferSize = 0,
            PreallocationSize = total,
        });
        try
        {
            stream.SetLength(total);
            RandomAccess.Write(stream.SafeFileHandle, header, 0);
            return new SafetensorsWriter(path, stream, header.Length, tensors, entries);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reopens <c>{path}.tmp</c> left by an earlier writer when its header and size are exactly what
    /// <see cref="Create"/> would write for these arguments; returns null when the file is missing or differs.
    /// Rows already in the file are kept; which of them are complete is the caller's knowledge.</summary>
    public static SafetensorsWriter? TryResume(string path, IReadOnlyList<SafetensorsTensorSpec> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        TensorConversion.EnsureLittleEndian();
        byte[] header = SafetensorsHeader.Build(tensors, metadata, out var entries);
        long total = checked(header.Length + (entries.Count == 0 ? 0 : entries[^1].End));
        string temp = TempPathFor(path);
        if (!File.Exists(temp))
            return null;
        var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            var existing = new byte[header.Length];
            if (stream.Length == total
                && RandomAccess.Read(stream.SafeFileHandle, existing, 0) == existing.Length
                && existing.AsSpan().SequenceEqual(header))
            {
                return new SafetensorsWriter(path, stream, header.Length, tensors, entries);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        stream.Dispose();
        return null;
    }

    /// <summary>Writes whole rows of tensor <paramref name="tensor"/> starting at row <paramref name="firstRow"/>:
    /// <paramref name="rows"/> holds <c>k × Cols</c> floats (row-major), converted to the tensor's dtype.</summary>
    public void WriteRows(int tensor, long firstRow, ReadOnlySpan<float> rows)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(tensor);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tensor, Tensors.Count);
        var spec = Tensors[tensor];
        if (spec.Cols == 0 ? !rows.IsEmpty : rows.Length % spec.Cols != 0)
            throw new ArgumentException($"{rows.Length} floats are not whole rows of {spec.Cols}", nameof(rows));
        long rowCount = spec.Cols == 0 ? 0 : rows.Length / spec.Cols;
        if (firstRow < 0 || firstRow + rowCount > spec.Rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow),
                $"rows {firstRow}..{firstRow + rowCount} are outside tensor '{spec.Name}' ({spec.Rows} rows)");

        int elementSize = spec.Dtype.ElementSize();
        long offset = _dataStart + _entries[tensor].Begin + firstRow * spec.RowBytes;
        int chunkElements = ChunkBytes / elementSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(ChunkBytes, rows.Length * elementSize));
        try
        {
            while (!rows.IsEmpty)
            {
                int count = Math.Min(chunkElements, rows.Length);
                Span<byte> bytes = buffer.AsSpan(0, count * elementSize);
                TensorConversion.Encode(spec.Dtype, rows[..count], bytes);
                RandomAccess.Write(_stream.SafeFileHandle, bytes, offset);
                offset += bytes.Length;
                rows = rows[count..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes every row written so far durable (fsync): after this returns, a crash or power loss keeps
    /// them.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Flushes, closes, and renames <see cref="TempPath"/> to <see cref="Path"/> (replacing a file
    /// there). The writer is closed afterwards.</summary>
    public void Complete()
    {
        Flush();
        _stream.Dispose();
        _closed = true;
        File.Move(TempPath, Path, overwrite: true);
    }

    /// <summary>Closes the file. Without <see cref="Complete"/> only <see cref="TempPath"/> exists.</summary>
    public void Dispose()
    {
        _closed = true;
        _stream.Dispose();
    }
}
