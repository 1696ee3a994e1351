using System.Buffers.Binary;

namespace LlamaJump.Gguf;

/// <summary>The GGUF layout: header, metadata, tensor infos, then the aligned data section, whose bounds are
/// checked against the file size without reading it. Accepts versions 2 and 3, little-endian only.</summary>
internal static class GgufParser
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const int DefaultAlignment = 32;
    public const int MaxDims = 4;          // GGML_MAX_DIMS

    // Fewest bytes a tensor info takes (empty name, one dim) and a metadata pair (empty key, one-byte value).
    private const int MinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;
    private const int MinMetadataBytes = 8 + 4 + 1;

    public static GgufFile Parse(GgufBinaryReader reader, string path)
    {
        uint version = ReadVersion(reader);
        ulong rawTensorCount = reader.ReadUInt64();
        ulong rawMetadataCount = reader.ReadUInt64();
        int tensorCount = reader.CheckCount(rawTensorCount, MinTensorInfoBytes, "tensor count");
        int metadataCount = reader.CheckCount(rawMetadataCount, MinMetadataBytes, "metadata count");
        long need = (long)tensorCount * MinTensorInfoBytes + (long)metadataCount * MinMetadataBytes;
        if (need > reader.Remaining)
            throw reader.Truncated($"{tensorCount} tensor infos and {metadataCount} metadata pairs need at least {need} more bytes, only {reader.Remaining} left");

        var metadata = ReadMetadata(reader, metadataCount);
        var tensors = ReadTensorInfos(reader, tensorCount);
        long alignment = ReadAlignment(reader, metadata);
        long headerEnd = reader.Position;
        long dataOffset = headerEnd % alignment == 0 ? headerEnd : headerEnd + (alignment - headerEnd % alignment);
        foreach (var tensor in tensors)
            CheckDataRange(reader, tensor, dataOffset, alignment);
        return new GgufFile(path, version, metadata, tensors, dataOffset, reader.Length);
    }

    private static uint ReadVersion(GgufBinaryReader reader)
    {
        if (reader.Length < 4)
            throw reader.Fail($"not a GGUF file (only {reader.Length} bytes)");
        uint magic = reader.ReadUInt32();
        if (magic != Magic)
            throw reader.Fail($"not a GGUF file (magic 0x{magic:x8})");
        uint version = reader.ReadUInt32();
        if (version is 2 or 3)
            return version;
        if (version == 1)
            throw reader.Fail("GGUF v1 is not supported; convert the file with a current llama.cpp");
        uint swapped = BinaryPrimitives.ReverseEndianness(version);
        if (swapped is >= 1 and <= 3)
            throw reader.Fail($"big-endian GGUF (version {swapped} byte-swapped) is not supported; convert the file to little-endian");
        throw reader.Fail($"unsupported GGUF version {version}");
    }

    private static Dictionary<string, GgufValue> ReadMetadata(GgufBinaryReader reader, int count)
    {
        var metadata = new Dictionary<string, GgufValue>(Math.Min(count, 1024), StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            reader.Context = $"metadata key {i + 1} of {count}";
            string key = reader.ReadString();
            reader.Context = $"metadata key {i + 1} of {count} ({GgufText.Quote(key)})";
            var type = (GgufValueType)reader.ReadUInt32();
            var value = GgufValueReader.Read(reader, type);
            if (!metadata.TryAdd(key, value))
                throw reader.Fail($"duplicate metadata key {GgufText.Quote(key)}");
        }
        return metadata;
    }

    private static List<GgufTensorInfo> ReadTensorInfos(GgufBinaryReader reader, int count)
    {
        var tensors = new List<GgufTensorInfo>(Math.Min(count, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            reader.Context = $"tensor info {i + 1} of {count}";
            string name = reader.ReadString();
            reader.Context = $"tensor info {i + 1} of {count} ({GgufText.Quote(name)})";
            long[] dims = ReadDims(reader, name);
            var type = (GgmlType)reader.ReadUInt32();
            ulong offset = reader.ReadUInt64();
            if (offset > (ulong)reader.Length)
                throw reader.Fail($"tensor {GgufText.Quote(name)} has offset {offset} beyond the file size {reader.Length}");
            if (GgmlTypeSize.TryGet(type, out int blockElements, out _) && dims[0] % blockElements != 0)
                throw reader.Fail($"tensor {GgufText.Quote(name)} has rows of {dims[0]} elements, not a multiple of the {type} block size {blockElements}");
            if (!names.Add(name))
                throw reader.Fail($"duplicate tensor name {GgufText.Quote(name)}");
            tensors.Add(new GgufTensorInfo(name, dims, type, (long)offset));
        }
        return tensors;
    }

    private static long[] ReadDims(GgufBinaryReader reader, string name)
    {
        uint n = reader.ReadUInt32();
        if (n is 0 or > MaxDims)
            throw reader.Fail($"tensor {GgufText.Quote(name)} has {n} dimensions (ggml allows 1 to {MaxDims})");
        var dims = new long[n];
        long elements = 1;
        for (int d = 0; d < n; d++)
        {
            ulong dim = reader.ReadUInt64();
            if (dim is 0 or > long.MaxValue)
                throw reader.Fail($"tensor {GgufText.Quote(name)} has invalid size {dim} in dimension {d}");
            if ((long)dim > long.MaxValue / elements)
                throw reader.Fail($"tensor {GgufText.Quote(name)} has more than {long.MaxValue} elements");
            dims[d] = (long)dim;
            elements *= (long)dim;
        }
        return dims;
    }

    private static long ReadAlignment(GgufBinaryReader reader, Dictionary<string, GgufValue> metadata)
    {
        reader.Context = "the tensor data layout";
        if (!metadata.TryGetValue("general.alignment", out var value))
            return DefaultAlignment;
        long alignment = value.AsInteger()
            ?? throw reader.Fail($"general.alignment is {value.Type} {GgufText.Quote(value.ToString())}, not an integer");
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw reader.Fail($"general.alignment {alignment} is not a power of two");
        return alignment;
    }

    private static void CheckDataRange(GgufBinaryReader reader, GgufTensorInfo tensor, long dataOffset, long alignment)
    {
        if (tensor.Offset % alignment != 0)
            throw reader.Fail($"tensor {GgufText.Quote(tensor.Name)} offset {tensor.Offset} is not a multiple of the alignment {alignment}");
        var start = (UInt128)(ulong)dataOffset + (ulong)tensor.Offset;
        if (start > (ulong)reader.Length)
            throw reader.Fail($"tensor {GgufText.Quote(tensor.Name)} data starts at byte {start} beyond the file size {reader.Length}");
        if (!GgmlTypeSize.TryGet(tensor.Type, out int blockElements, out int blockBytes))
            return;
        // The element count fits a long (checked in ReadDims), so blocks * blockBytes cannot overflow UInt128.
        var end = start + (UInt128)(ulong)(tensor.ElementCount / blockElements) * (ulong)blockBytes;
        if (end > (ulong)reader.Length)
            throw reader.Fail($"tensor {GgufText.Quote(tensor.Name)} data ends at byte {end} beyond the file size {reader.Length}");
    }
}
