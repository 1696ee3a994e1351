using LlamaJump.Gguf;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>
/// ggml's own quantisers and dequantisers (libggml-base of the patched build), for writing quantised GGUF tensors and
/// reading them back. Only the block types of <see cref="GgmlQuantizedTypes.Writable"/> are accepted: every argument that would reach
/// a GGML_ASSERT inside ggml (another type, rows that are not whole blocks, short buffers) is refused here first.
/// </summary>
public static class GgmlQuantization
{
    /// <summary>True when ggml itself says <paramref name="type"/> cannot be quantised without an importance
    /// matrix (IQ2_XXS, IQ2_XS, IQ1_S in b10361).</summary>
    public static bool RequiresImportanceMatrix(GgmlType type)
    {
        NativeBackend.Initialize();
        return GgmlNative.ggml_quantize_requires_imatrix((uint)type);
    }

    /// <summary>Elements per block of <paramref name="type"/>, as ggml's type traits give it.</summary>
    public static int BlockElements(GgmlType type)
    {
        unsafe
        {
            return (int)Traits(type)->blck_size;
        }
    }

    /// <summary>Bytes of one row of <paramref name="rowLength"/> elements of <paramref name="type"/>.</summary>
    public static long RowBytes(GgmlType type, long rowLength)
    {
        EnsureQuantizable(type);
        EnsureWholeBlocks(type, rowLength);
        return (long)GgmlNative.ggml_row_size((uint)type, rowLength);
    }

    /// <summary>Quantises <paramref name="rows"/> (whole rows of <paramref name="rowLength"/> floats, row-major)
    /// into <paramref name="destination"/>, which must hold exactly their <see cref="RowBytes"/>.</summary>
    public static void Quantize(GgmlType type, ReadOnlySpan<float> rows, long rowLength, Span<byte> destination)
    {
        long rowBytes = RowBytes(type, rowLength);
        if (rows.Length % rowLength != 0)
            throw new ArgumentException($"{rows.Length} floats are not whole rows of {rowLength}", nameof(rows));
        long count = rows.Length / rowLength;
        if (destination.Length != count * rowBytes)
            throw new ArgumentException($"{count} rows of {type} take {count * rowBytes} bytes, the destination holds {destination.Length}", nameof(destination));
        unsafe
        {
            fixed (float* src = rows)
            fixed (byte* dst = destination)
            {
                nuint written = GgmlNative.ggml_quantize_chunk((uint)type, src, dst, 0, count, rowLength, null);
                if ((long)written != destination.Length)
                    throw new InvalidOperationException($"ggml_quantize_chunk wrote {written} bytes of {type}, expected {destination.Length}");
            }
        }
    }

    /// <summary>Dequantises whole blocks of <paramref name="type"/> with ggml's own to_float into
    /// <paramref name="destination"/>, which receives every element the bytes hold.</summary>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> blocks, Span<float> destination)
    {
        EnsureQuantizable(type);
        unsafe
        {
            var traits = Traits(type);
            long blockBytes = (long)traits->type_size, elements = blocks.Length / blockBytes * traits->blck_size;
            if (blocks.Length % blockBytes != 0)
                throw new ArgumentException($"{blocks.Length} bytes are not whole blocks of {type} ({blockBytes} bytes each)", nameof(blocks));
            if (destination.Length != elements)
                throw new ArgumentException($"{blocks.Length} bytes of {type} hold {elements} elements, the destination {destination.Length}", nameof(destination));
            fixed (byte* src = blocks)
            fixed (float* dst = destination)
            {
                traits->to_float(src, dst, elements);
            }
        }
    }

    private static void EnsureQuantizable(GgmlType type)
    {
        if (!GgmlQuantizedTypes.Writable.Contains(type))
            throw new ArgumentException($"{type} is not one of the quantised types this build writes ({string.Join(", ", GgmlQuantizedTypes.Writable)})", nameof(type));
    }

    private static void EnsureWholeBlocks(GgmlType type, long rowLength)
    {
        int block = BlockElements(type);
        if (rowLength <= 0 || rowLength % block != 0)
            throw new ArgumentException($"a row of {rowLength} elements is not a whole number of {type} blocks ({block} elements)", nameof(rowLength));
    }

    private static unsafe GgmlTypeTraits* Traits(GgmlType type)
    {
        EnsureQuantizable(type);
        NativeBackend.Initialize();
        return GgmlNative.ggml_get_type_traits((uint)type);
    }
}
