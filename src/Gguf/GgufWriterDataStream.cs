namespace LlamaJump.Gguf;

/// <summary>The write-only view of the output file that a tensor's data provider gets from <see cref="GgufWriter"/>:
/// it forwards writes, counts them, refuses a byte past the tensor's size, and leaves the file open when disposed.</summary>
internal sealed class GgufWriterDataStream(Stream file, string tensorName, long byteSize) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes written so far.</summary>
    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > byteSize - _written)
            throw new InvalidOperationException($"tensor '{tensorName}': the data provider wrote more than the tensor's {byteSize} bytes");
        file.Write(buffer);
        _written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Throws when the provider stopped short of the tensor's size.</summary>
    public void CheckComplete()
    {
        if (_written != byteSize)
            throw new InvalidOperationException($"tensor '{tensorName}': the data provider wrote {_written} of the tensor's {byteSize} bytes");
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
