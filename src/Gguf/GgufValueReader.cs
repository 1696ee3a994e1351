namespace LlamaJump.Gguf;

/// <summary>Reads one typed metadata value. An array may hold arrays, but those may hold only scalars and
/// strings: deeper nesting is refused, so a hostile file cannot recurse without bound.</summary>
internal static class GgufValueReader
{
    private const int MaxArrayDepth = 2;

    public static GgufValue Read(GgufBinaryReader reader, GgufValueType type) => Read(reader, type, depth: 0);

    private static GgufValue Read(GgufBinaryReader reader, GgufValueType type, int depth) => type switch
    {
        GgufValueType.UInt8 => new(type, reader.ReadUInt8()),
        GgufValueType.Int8 => new(type, reader.ReadInt8()),
        GgufValueType.UInt16 => new(type, reader.ReadUInt16()),
        GgufValueType.Int16 => new(type, reader.ReadInt16()),
        GgufValueType.UInt32 => new(type, reader.ReadUInt32()),
        GgufValueType.Int32 => new(type, reader.ReadInt32()),
        GgufValueType.Float32 => new(type, reader.ReadFloat32()),
        GgufValueType.Bool => new(type, reader.ReadUInt8() != 0),
        GgufValueType.String => new(type, reader.ReadString()),
        GgufValueType.Array => ReadArray(reader, depth + 1),
        GgufValueType.UInt64 => new(type, reader.ReadUInt64()),
        GgufValueType.Int64 => new(type, reader.ReadInt64()),
        GgufValueType.Float64 => new(type, reader.ReadFloat64()),
        _ => throw UnknownType(reader, type),
    };

    private static GgufValue ReadArray(GgufBinaryReader reader, int depth)
    {
        if (depth > MaxArrayDepth)
            throw reader.Fail($"arrays nested more than {MaxArrayDepth} deep while reading {reader.Context}");
        var elementType = (GgufValueType)reader.ReadUInt32();
        ulong rawCount = reader.ReadUInt64();
        int count = reader.CheckCount(rawCount, MinimumBytes(reader, elementType), "array length");
        object values = elementType switch
        {
            GgufValueType.UInt8 => reader.ReadArray<byte>(count),
            GgufValueType.Int8 => reader.ReadArray<sbyte>(count),
            GgufValueType.UInt16 => reader.ReadArray<ushort>(count),
            GgufValueType.Int16 => reader.ReadArray<short>(count),
            GgufValueType.UInt32 => reader.ReadArray<uint>(count),
            GgufValueType.Int32 => reader.ReadArray<int>(count),
            GgufValueType.Float32 => reader.ReadArray<float>(count),
            GgufValueType.Bool => Array.ConvertAll(reader.ReadArray<byte>(count), b => b != 0),
            GgufValueType.UInt64 => reader.ReadArray<ulong>(count),
            GgufValueType.Int64 => reader.ReadArray<long>(count),
            GgufValueType.Float64 => reader.ReadArray<double>(count),
            GgufValueType.String => ReadStrings(reader, count),
            _ => ReadNested(reader, count, depth),
        };
        return new GgufValue(GgufValueType.Array, values, elementType);
    }

    private static string[] ReadStrings(GgufBinaryReader reader, int count)
    {
        var strings = new string[count];
        for (int i = 0; i < count; i++)
            strings[i] = reader.ReadString();
        return strings;
    }

    private static GgufValue[] ReadNested(GgufBinaryReader reader, int count, int depth)
    {
        var arrays = new GgufValue[count];
        for (int i = 0; i < count; i++)
            arrays[i] = Read(reader, GgufValueType.Array, depth);
        return arrays;
    }

    /// <summary>The fewest bytes one element of the type takes on disk (a string or array at least its header).</summary>
    private static int MinimumBytes(GgufBinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        GgufValueType.String => 8,
        GgufValueType.Array => 12,
        _ => throw UnknownType(reader, type),
    };

    private static GgufFormatException UnknownType(GgufBinaryReader reader, GgufValueType type) =>
        reader.Fail($"unknown value type {(uint)type} while reading {reader.Context}");
}
