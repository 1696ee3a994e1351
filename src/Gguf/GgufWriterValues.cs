using System.Text;

namespace LlamaJump.Gguf;

/// <summary>Serialises GGUF strings and typed metadata values, little-endian (BinaryWriter always is): the inverse
/// of <see cref="GgufValueReader"/>.</summary>
internal static class GgufWriterValues
{
    /// <summary>uint64 byte length, then the UTF-8 bytes, no terminator.</summary>
    public static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>The uint32 type tag, then the value.</summary>
    public static void WriteTyped(BinaryWriter writer, GgufValue value)
    {
        writer.Write((uint)value.Type);
        if (value.Type == GgufValueType.Array)
            WriteArray(writer, value);
        else
            WriteScalar(writer, value.Type, value.Value);
    }

    private static void WriteArray(BinaryWriter writer, GgufValue value)
    {
        var elementType = value.ElementType ?? throw Mismatch(value.Type, value.Value);
        var array = (Array)value.Value;
        writer.Write((uint)elementType);
        writer.Write((ulong)array.Length);
        if (elementType == GgufValueType.Array)
        {
            // An array of arrays: each element is written as an array value without its type tag.
            foreach (GgufValue nested in (GgufValue[])array)
                WriteArray(writer, nested);
            return;
        }
        foreach (object element in array)
            WriteScalar(writer, elementType, element);
    }

    private static void WriteScalar(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type, value)
        {
            case (GgufValueType.UInt8, byte v): writer.Write(v); break;
            case (GgufValueType.Int8, sbyte v): writer.Write(v); break;
            case (GgufValueType.UInt16, ushort v): writer.Write(v); break;
            case (GgufValueType.Int16, short v): writer.Write(v); break;
            case (GgufValueType.UInt32, uint v): writer.Write(v); break;
            case (GgufValueType.Int32, int v): writer.Write(v); break;
            case (GgufValueType.Float32, float v): writer.Write(v); break;
            case (GgufValueType.Bool, bool v): writer.Write((byte)(v ? 1 : 0)); break;
            case (GgufValueType.String, string v): WriteString(writer, v); break;
            case (GgufValueType.UInt64, ulong v): writer.Write(v); break;
            case (GgufValueType.Int64, long v): writer.Write(v); break;
            case (GgufValueType.Float64, double v): writer.Write(v); break;
            default: throw Mismatch(type, value);
        }
    }

    private static InvalidOperationException Mismatch(GgufValueType type, object value) =>
        new($"a GGUF {type} value cannot hold a {value.GetType().Name}");
}
