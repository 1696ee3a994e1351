using System.Text;
using LlamaJump.Gguf;

namespace LlamaJump.Tests.Pure.Gguf;

/// <summary>Builds GGUF bytes for tests, independently of the reader: metadata pairs and tensor infos in the order
/// added, then the data section (zeros) aligned to <see cref="Alignment"/>, ending right after the last tensor.
/// Header fields and raw pairs can be overridden to produce malformed files.</summary>
internal sealed class GgufTestWriter
{
    private readonly List<Action<BinaryWriter>> _metadata = [];
    private readonly List<(string Name, long[] Dims, GgmlType Type, ulong? Offset)> _tensors = [];

    public uint Magic { get; set; } = 0x46554747;
    public uint Version { get; set; } = 3;
    public ulong? TensorCountOverride { get; set; }
    public ulong? MetadataCountOverride { get; set; }

    /// <summary>The alignment used to lay out the data section; <see cref="WithAlignment"/> also records it.</summary>
    public int Alignment { get; set; } = 32;

    /// <summary>When false, the data section is left out (the file ends after the tensor infos).</summary>
    public bool WriteData { get; set; } = true;

    public GgufTestWriter Pair(string key, GgufValueType type, Action<BinaryWriter> writeValue) => RawPair(w =>
    {
        WriteString(w, key);
        w.Write((uint)type);
        writeValue(w);
    });

    /// <summary>Bytes counted as one metadata pair, written as given.</summary>
    public GgufTestWriter RawPair(Action<BinaryWriter> write)
    {
        _metadata.Add(write);
        return this;
    }

    public GgufTestWriter String(string key, string value) => Pair(key, GgufValueType.String, w => WriteString(w, value));
    public GgufTestWriter UInt8(string key, byte value) => Pair(key, GgufValueType.UInt8, w => w.Write(value));
    public GgufTestWriter Int8(string key, sbyte value) => Pair(key, GgufValueType.Int8, w => w.Write(value));
    public GgufTestWriter UInt16(string key, ushort value) => Pair(key, GgufValueType.UInt16, w => w.Write(value));
    public GgufTestWriter Int16(string key, short value) => Pair(key, GgufValueType.Int16, w => w.Write(value));
    public GgufTestWriter UInt32(string key, uint value) => Pair(key, GgufValueType.UInt32, w => w.Write(value));
    public GgufTestWriter Int32(string key, int value) => Pair(key, GgufValueType.Int32, w => w.Write(value));
    public GgufTestWriter Float32(string key, float value) => Pair(key, GgufValueType.Float32, w => w.Write(value));
    public GgufTestWriter Bool(string key, bool value) => Pair(key, GgufValueType.Bool, w => w.Write(value));
    public GgufTestWriter UInt64(string key, ulong value) => Pair(key, GgufValueType.UInt64, w => w.Write(value));
    public GgufTestWriter Int64(string key, long value) => Pair(key, GgufValueType.Int64, w => w.Write(value));
    public GgufTestWriter Float64(string key, double value) => Pair(key, GgufValueType.Float64, w => w.Write(value));

    public GgufTestWriter StringArray(string key, params string[] values) => Pair(key, GgufValueType.Array, w =>
    {
        WriteArrayHeader(w, GgufValueType.String, (ulong)values.Length);
        foreach (string value in values)
            WriteString(w, value);
    });

    public GgufTestWriter Int32Array(string key, params int[] values) => Pair(key, GgufValueType.Array, w =>
    {
        WriteArrayHeader(w, GgufValueType.Int32, (ulong)values.Length);
        foreach (int value in values)
            w.Write(value);
    });

    public GgufTestWriter Float32Array(string key, params float[] values) => Pair(key, GgufValueType.Array, w =>
    {
        WriteArrayHeader(w, GgufValueType.Float32, (ulong)values.Length);
        foreach (float value in values)
            w.Write(value);
    });

    public GgufTestWriter WithAlignment(int alignment)
    {
        Alignment = alignment;
        return UInt32("general.alignment", (uint)alignment);
    }

    /// <summary>A tensor placed after the previous one, at the next aligned offset.</summary>
    public GgufTestWriter Tensor(string name, GgmlType type, params long[] dims)
    {
        _tensors.Add((name, dims, type, null));
        return this;
    }

    /// <summary>A tensor info with an offset written as given; it gets no data of its own.</summary>
    public GgufTestWriter TensorAt(string name, GgmlType type, ulong offset, params long[] dims)
    {
        _tensors.Add((name, dims, type, offset));
        return this;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(TensorCountOverride ?? (ulong)_tensors.Count);
        w.Write(MetadataCountOverride ?? (ulong)_metadata.Count);
        foreach (var write in _metadata)
            write(w);

        long next = 0;
        long dataEnd = 0;
        foreach (var (name, dims, type, offset) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (long dim in dims)
                w.Write((ulong)dim);
            w.Write((uint)type);
            if (offset is { } fixedOffset)
            {
                w.Write(fixedOffset);
                continue;
            }
            w.Write((ulong)next);
            dataEnd = next + ByteSize(type, dims);
            next = Align(dataEnd, Alignment);
        }

        if (WriteData && _tensors.Count > 0)
        {
            w.Flush();
            long dataStart = Align(stream.Length, Alignment);
            stream.SetLength(dataStart + dataEnd);
        }
        w.Flush();
        return stream.ToArray();
    }

    public MemoryStream BuildStream() => new(Build(), writable: false);

    public static void WriteString(BinaryWriter w, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    public static void WriteArrayHeader(BinaryWriter w, GgufValueType elementType, ulong count)
    {
        w.Write((uint)elementType);
        w.Write(count);
    }

    private static long Align(long offset, int alignment) => (offset + alignment - 1) / alignment * alignment;

    /// <summary>Bytes of the types the tests lay out; other types get no data.</summary>
    private static long ByteSize(GgmlType type, long[] dims)
    {
        long elements = dims.Aggregate(1L, (a, b) => a * b);
        return type switch
        {
            GgmlType.F32 => elements * 4,
            GgmlType.F16 or GgmlType.BF16 => elements * 2,
            GgmlType.Q8_0 => elements / 32 * 34,
            GgmlType.Q4_0 => elements / 32 * 18,
            GgmlType.Q4_K => elements / 256 * 144,
            _ => 0,
        };
    }
}
