using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace LlamaJump.Gguf;

/// <summary>Little-endian reads from the start of a seekable stream, buffered, with every length checked against
/// the bytes left in the file before anything is allocated for it. Any shortfall throws
/// <see cref="GgufFormatException"/>; messages name what the parser said it was reading in <see cref="Context"/>.</summary>
internal sealed class GgufBinaryReader
{
    private const int BufferSize = 1 << 16;

    /// <summary>Longest string accepted: chat templates and token texts are far shorter, and a .NET string
    /// cannot hold much more than 2^30 characters.</summary>
    public const int MaxStringBytes = 1 << 26;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart; // file position of _buffer[0]
    private int _next;         // next unread byte in _buffer
    private int _end;          // one past the last valid byte in _buffer

    /// <param name="stream">Positioned at the start of the file; read from, never seeked or disposed.</param>
    public GgufBinaryReader(Stream stream, string displayName)
    {
        _stream = stream;
        DisplayName = displayName;
        Length = stream.Length;
    }

    public string DisplayName { get; }

    public long Length { get; }

    public long Position => _bufferStart + _next;

    public long Remaining => Length - Position;

    /// <summary>What is being read, completing "while reading ...", e.g. "metadata key 17 of 23".</summary>
    public string Context { get; set; } = "the header";

    public GgufFormatException Fail(string problem) => new(DisplayName, problem);

    /// <summary>Checks that <paramref name="count"/> items of at least <paramref name="minBytesEach"/> bytes can
    /// still follow in the file and fit a CLR array of at most 2 GiB, and returns the count as an int. A count no
    /// file could satisfy is "absurd"; one that only this file is too short for is "truncated".</summary>
    public int CheckCount(ulong count, int minBytesEach, string what)
    {
        UInt128 need = (UInt128)count * (uint)minBytesEach;
        if (count > (ulong)Array.MaxLength || need > int.MaxValue)
            throw Fail($"absurd {what} {count} while reading {Context}");
        if (need > (ulong)Remaining)
            throw Truncated($"{what} {count} needs at least {need} more bytes, only {Remaining} left");
        return (int)count;
    }

    /// <summary>The file ends before what <see cref="Context"/> names: <paramref name="detail"/> says by how much.</summary>
    public GgufFormatException Truncated(string? detail = null) =>
        Fail($"truncated at byte {Length} while reading {Context}{(detail is null ? "" : ": " + detail)}");

    public byte ReadUInt8() => Take(1)[0];

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public float ReadFloat32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A GGUF string: uint64 byte length, then UTF-8 bytes. Invalid UTF-8 becomes U+FFFD.</summary>
    public string ReadString()
    {
        long at = Position;
        ulong length = ReadUInt64();
        if (length > MaxStringBytes)
            throw Fail($"absurd string length {length} at byte {at} while reading {Context}");
        if (length > (ulong)Remaining)
            throw Truncated($"string at byte {at} needs {length} bytes, only {Remaining} left");
        int n = (int)length;
        if (n <= BufferSize)
            return Encoding.UTF8.GetString(Take(n));
        var bytes = new byte[n];
        ReadBytes(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary><paramref name="count"/> little-endian values of a primitive type; the caller has bounded the
    /// count with <see cref="CheckCount"/>.</summary>
    public T[] ReadArray<T>(int count) where T : unmanaged
    {
        var values = new T[count];
        Span<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
        ReadBytes(bytes);
        if (!BitConverter.IsLittleEndian)
            ReverseEach(bytes, Unsafe.SizeOf<T>());
        return values;
    }

    public void ReadBytes(Span<byte> destination)
    {
        if (destination.Length > Remaining)
            throw Truncated();
        int buffered = Math.Min(_end - _next, destination.Length);
        _buffer.AsSpan(_next, buffered).CopyTo(destination);
        _next += buffered;
        Span<byte> rest = destination[buffered..];
        if (rest.IsEmpty)
            return;
        _bufferStart += _end;
        _next = _end = 0;
        while (!rest.IsEmpty)
        {
            int n = _stream.Read(rest);
            if (n == 0)
                throw Truncated();
            rest = rest[n..];
            _bufferStart += n;
        }
    }

    /// <summary>The next <paramref name="count"/> (at most the buffer size) bytes, valid until the next read.</summary>
    private ReadOnlySpan<byte> Take(int count)
    {
        if (_end - _next < count)
            Fill(count);
        var span = new ReadOnlySpan<byte>(_buffer, _next, count);
        _next += count;
        return span;
    }

    private void Fill(int count)
    {
        if (count > Remaining)
            throw Truncated();
        int kept = _end - _next;
        _buffer.AsSpan(_next, kept).CopyTo(_buffer);
        _bufferStart += _next;
        _next = 0;
        _end = kept;
        while (_end < count)
        {
            int n = _stream.Read(_buffer, _end, BufferSize - _end);
            if (n == 0)
                throw Truncated(); // the file shrank while being read
            _end += n;
        }
    }

    private static void ReverseEach(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 2:
                var u16 = MemoryMarshal.Cast<byte, ushort>(bytes);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            case 4:
                var u32 = MemoryMarshal.Cast<byte, uint>(bytes);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 8:
                var u64 = MemoryMarshal.Cast<byte, ulong>(bytes);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
        }
    }
}
