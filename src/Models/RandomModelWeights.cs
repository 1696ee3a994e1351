using System.Buffers.Binary;
using System.Text;
using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>
/// Deterministic tensor data, the same bits on every platform: SplitMix64 seeded from the model seed and the tensor
/// name, and an approximately normal variate as the scaled sum of four uniforms (Irwin–Hall, mean 0, variance 1)
/// — only integer operations, additions and multiplications, so no libm differences (Box–Muller's log/cos could
/// differ in the last bit between C libraries). Drawn and written in chunks (16 Ki elements; whole rows, at least
/// 64 Ki elements, for a quantised type), so a tensor never exists whole in memory. The values drawn do not depend on
/// the type: a quantised model holds ggml's quantisation of exactly the F32 model's weights.
/// </summary>
public static class RandomModelWeights
{
    private const double IrwinHallScale = 1.7320508075688772; // sqrt(3): four U(-1/2, 1/2) sum to variance 1/3
    private const int ChunkElements = 1 << 14;
    private const int QuantizedChunkElements = 1 << 16;

    /// <summary>Writes the elements of <paramref name="tensor"/> as <paramref name="type"/> (one of
    /// <see cref="WeightTypes.All"/>), little-endian; a <see cref="RandomInit.Random"/> tensor with standard deviation
    /// <paramref name="initStd"/> · <see cref="RandomTensor.Scale"/>, a <see cref="RandomInit.Constant"/> one all
    /// <see cref="RandomTensor.Scale"/>. A quantised type needs
    /// <paramref name="quantizer"/> and rows that are whole blocks (<see cref="WeightTypes.ForRow"/>).</summary>
    public static void Write(Stream destination, RandomTensor tensor, GgmlType type, ulong modelSeed, double initStd, IRowQuantizer? quantizer = null)
    {
        if (!WeightTypes.All.Contains(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, $"random models hold {WeightTypes.Names}");
        bool quantized = WeightTypes.IsQuantized(type);
        if (quantized && quantizer is null)
            throw new ArgumentException($"{tensor.Name} is {type}: writing a quantised tensor needs a quantiser", nameof(quantizer));
        long rowLength = tensor.Dims[0];
        long count = tensor.Dims.Aggregate(1L, (a, b) => a * b);
        int chunkElements = quantized ? (int)(Math.Max(1, QuantizedChunkElements / rowLength) * rowLength) : ChunkElements;
        double std = initStd * tensor.Scale;
        var random = new SplitMix64(modelSeed ^ Fnv1a64(tensor.Name));
        var values = new float[chunkElements];
        var buffer = new byte[GgufWriter.TensorByteSize(type, [chunkElements])];
        for (long done = 0; done < count;)
        {
            int n = (int)Math.Min(chunkElements, count - done);
            Span<float> chunk = values.AsSpan(0, n);
            switch (tensor.Init)
            {
                case RandomInit.Ones: chunk.Fill(1f); break;
                case RandomInit.Zeros: chunk.Clear(); break;
                case RandomInit.Constant: chunk.Fill((float)tensor.Scale); break;
                default:
                    for (int i = 0; i < chunk.Length; i++)
                        chunk[i] = (float)(std * random.NextStandardNormal());
                    break;
            }
            if (tensor.Mask is { } mask)
                ApplyMask(chunk, done, tensor.Dims, mask);
            var bytes = buffer.AsSpan(0, (int)GgufWriter.TensorByteSize(type, [n]));
            if (quantized)
                quantizer!.Quantize(type, chunk, rowLength, bytes);
            else
                Encode(chunk, type, bytes);
            destination.Write(bytes);
            done += n;
        }
    }

    /// <summary>Zeroes the elements of the chunk starting at element <paramref name="first"/> whose stream coordinate
    /// (ggml dim <see cref="StreamMask.Dim"/>) is at or past the mask's width. The values were drawn before, so
    /// the other elements are those of the unmasked tensor.</summary>
    private static void ApplyMask(Span<float> chunk, long first, long[] dims, StreamMask mask)
    {
        for (int i = 0; i < chunk.Length; i++)
        {
            long index = first + i;
            long coordinate = mask.Dim == 0 ? index % dims[0] : index / dims[0] % dims[1];
            if (coordinate >= mask.Width)
                chunk[i] = 0;
        }
    }

    private static void Encode(ReadOnlySpan<float> values, GgmlType type, Span<byte> bytes)
    {
        switch (type)
        {
            case GgmlType.F32:
                for (int i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], values[i]);
                break;
            case GgmlType.F16:
                for (int i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteHalfLittleEndian(bytes[(2 * i)..], (Half)values[i]);
                break;
            default:
                for (int i = 0; i < values.Length; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes[(2 * i)..], ToBFloat16(values[i]));
                break;
        }
    }

    /// <summary>Round to nearest even, as ggml's fp32_to_bf16 (NaN does not occur here).</summary>
    private static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + (0x7FFF + ((bits >> 16) & 1))) >> 16);
    }

    private static ulong Fnv1a64(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 1099511628211;
        return hash;
    }

    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [-1/2, 1/2), 53 bits.</summary>
        private double NextCentered() => (Next() >> 11) * (1.0 / (1UL << 53)) - 0.5;

        public double NextStandardNormal() =>
            (NextCentered() + NextCentered() + NextCentered() + NextCentered()) * IrwinHallScale;
    }
}
