using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaJump.Dumps.Safetensors;

/// <summary>float ⇄ stored bytes for each <see cref="TensorDtype"/>. Stored data is little-endian; the whole
/// project assumes a little-endian host (checked by <see cref="EnsureLittleEndian"/>).</summary>
internal static class TensorConversion
{
    public static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors reading and writing needs a little-endian machine");
    }

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/>, which must hold exactly
    /// <c>source.Length × ElementSize</c> bytes. F16 rounds to nearest even; values beyond ±65504 become ±∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code
    public static void Encode(TensorDtype dtype, ReadOnlySpan<float> source, Span<byte> destination)
    {
        switch (dtype)
        {
            case TensorDtype.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case TensorDtype.F16:
                Span<Half> halves = MemoryMarshal.Cast<byte, Half>(destination);
                for (int i = 0; i < source.Length; i++)
                    halves[i] = (Half)source[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }

    /// <summary>Decodes <paramref name="source"/> (exactly <c>destination.Length × ElementSize</c> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode(TensorDtype dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case TensorDtype.F32:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case TensorDtype.F16:
                ReadOnlySpan<Half> halves = MemoryMarshal.Cast<byte, Half>(source);
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)halves[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }
}
