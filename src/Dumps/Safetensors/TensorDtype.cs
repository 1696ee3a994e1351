using System.Text.Json.Serialization;

namespace LlamaJump.Dumps.Safetensors;

/// <summary>The element types this project reads and writes. In a safetensors header they are spelled
/// <c>"F16"</c> and <c>"F32"</c>; in a dump manifest <c>"f16"</c> and <c>"f32"</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TensorDtype>))]
public enum TensorDtype
{
    /// <summary>IEEE 754 half precision (<see cref="Half"/>), little-endian.</summary>
    [JsonStringEnumMemberName("f16")] F16,

    /// <summary>IEEE 754 single precision, little-endian.</summary>
    [JsonStringEnumMemberName("f32")] F32,
}

public static class TensorDtypeExtensions
{
    /// <summary>Bytes per element: 2 or 4.</summary>
    public static int ElementSize(this TensorDtype dtype) => dtype switch
    {
        TensorDtype.F16 => 2,
        TensorDtype.F32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors spelling: "F16" or "F32".</summary>
    public static string SafetensorsName(this TensorDtype dtype) => dtype switch
    {
        TensorDtype.F16 => "F16",
        TensorDtype.F32 => "F32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The command-line and manifest spelling: "f16" or "f32".</summary>
    public static string LowerName(this TensorDtype dtype) => dtype.SafetensorsName().ToLowerInvariant();

    /// <summary>Parses "f16"/"f32" (any case); throws <see cref="FormatException"/> with a one-line message.</summary>
    public static TensorDtype ParseDtype(string text) => text.ToLowerInvariant() switch
    {
        "f16" => TensorDtype.F16,
        "f32" => TensorDtype.F32,
        _ => throw new FormatException($"dtype '{text}' is not f16 or f32"),
    };
}
