using System.Globalization;

namespace LlamaJump.Engine;

/// <summary>
/// How many of a model's layers go to a GPU (llama.cpp's -ngl, <c>--gpu-layers</c>): <see cref="Auto"/> — all of
/// them when a GPU or RPC device is registered, none otherwise (never fails); <see cref="All"/> — the same, but asked
/// for, so a machine without a device says it runs on the CPU; or a count, which without a device is an error.
/// llama.cpp counts the output head as the layer after the last block: a count above the blocks offloads it too.
/// </summary>
public readonly record struct GpuLayers
{
    private const int AllValue = -1, AutoValue = -2;

    private readonly int _value;

    private GpuLayers(int value) => _value = value;

    public static GpuLayers Auto { get; } = new(AutoValue);

    public static GpuLayers All { get; } = new(AllValue);

    public static GpuLayers Count(int layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        return new GpuLayers(layers);
    }

    public bool IsAuto => _value == AutoValue;

    public bool IsAll => _value == AllValue;

    /// <summary>The count asked for; null for <see cref="Auto"/> and <see cref="All"/>.</summary>
    public int? Layers => _value >= 0 ? _value : null;

    /// <summary>Parses "auto", "all" or a non-negative count; anything else throws <see cref="FormatException"/>.</summary>
    public static GpuLayers Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string value = text.Trim();
        if (value.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return Auto;
        if (value.Equals("all", StringComparison.OrdinalIgnoreCase))
            return All;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int layers))
            return Count(layers);
        throw new FormatException($"'{text}' is not auto, all or a number of layers");
    }

    public override string ToString() => IsAuto ? "auto" : IsAll ? "all" : _value.ToString(CultureInfo.InvariantCulture);
}
