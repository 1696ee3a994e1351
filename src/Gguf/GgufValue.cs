using System.Globalization;

namespace LlamaJump.Gguf;

/// <summary>One metadata value: its GGUF type tag and the value itself. <see cref="Value"/> holds a scalar as
/// its CLR type (byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long, double) or an array
/// as a CLR array of that element type; an array of arrays is a <see cref="GgufValue"/>[].</summary>
public sealed class GgufValue
{
    internal GgufValue(GgufValueType type, object value, GgufValueType? elementType = null)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    /// <summary>The element type of an array; null for a scalar.</summary>
    public GgufValueType? ElementType { get; }

    public object Value { get; }

    /// <summary>The element count of an array; null for a scalar.</summary>
    public int? ArrayLength => Value is Array array ? array.Length : null;

    /// <summary>The value of any integer type; null for other types and for a UInt64 above long.MaxValue.</summary>
    public long? AsInteger() => Value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v when v <= long.MaxValue => (long)v,
        long v => v,
        _ => null,
    };

    public string? AsString() => Value as string;

    /// <summary>The elements of an array whose CLR element type is <typeparamref name="T"/>
    /// (string for String arrays, float for Float32 arrays, ...); null otherwise.</summary>
    public T[]? AsArray<T>() => Value as T[];

    public override string ToString() => Value switch
    {
        string s => s,
        Array array => $"[{array.Length} × {ElementType}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };
}
