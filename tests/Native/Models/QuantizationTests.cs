using System.Buffers.Binary;
using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Models;

/// <summary>
/// ggml's quantisers through <see cref="GgmlQuantization"/>: Q8_0 and Q4_0 give the bytes their published block
/// layouts give when computed by hand (ggml's reference rounding), every writable type round-trips through ggml's
/// own dequantiser within its resolution, and arguments that would reach a GGML_ASSERT are refused in C#.
/// </summary>
public sealed class QuantizationTests
{
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * (1 + random.Next(4))).ToArray();
    }

    [Fact]
    public void Q8_0_blocks_are_an_fp16_scale_and_32_rounded_int8s()
    {
        float[] x = Values(64, 1);
        var actual = new byte[GgmlQuantization.RowBytes(GgmlType.Q8_0, 64)];
        GgmlQuantization.Quantize(GgmlType.Q8_0, x, 64, actual);

        // block_q8_0 { ggml_half d; int8_t qs[32]; }
        var expected = new byte[2 * 34];
        for (int b = 0; b < 2; b++)
        {
            var (d, q) = HandQ8_0.Block(x.AsSpan(32 * b, 32));
            BinaryPrimitives.WriteHalfLittleEndian(expected.AsSpan(34 * b), (Half)d);
            for (int i = 0; i < 32; i++)
                expected[34 * b + 2 + i] = (byte)q[i];
        }
        actual.Should().Equal(expected);
    }

    [Fact]
    public void Q4_0_blocks_are_an_fp16_scale_and_32_nibbles_offset_by_8()
    {
        float[] x = Values(32, 2);
        var actual = new byte[GgmlQuantization.RowBytes(GgmlType.Q4_0, 32)];
        GgmlQuantization.Quantize(GgmlType.Q4_0, x, 32, actual);

        // block_q4_0 { ggml_half d; uint8_t qs[16]; }: d = (the value of largest magnitude) / −8,
        // q = min(15, (int)(x / d + 8.5)); byte j holds element j in its low nibble and element j + 16 in its high one
        float max = x.MaxBy(Math.Abs);
        float d = max / -8, id = d != 0 ? 1 / d : 0;
        var expected = new byte[18];
        BinaryPrimitives.WriteHalfLittleEndian(expected, (Half)d);
        for (int j = 0; j < 16; j++)
        {
            int lo = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f)), hi = Math.Min(15, (int)(sbyte)(x[j + 16] * id + 8.5f));
            expected[2 + j] = (byte)(lo | hi << 4);
        }
        actual.Should().Equal(expected);
    }

    /// <summary>Relative RMS error bounds: about half a quantisation step over the block's range, with room.</summary>
    public static TheoryData<string, double> Resolutions => new()
    {
        { "Q8_0", 0.01 }, { "Q6_K", 0.03 }, { "Q5_0", 0.06 }, { "Q5_1", 0.06 }, { "Q5_K", 0.06 },
        { "Q4_0", 0.12 }, { "Q4_1", 0.12 }, { "Q4_K", 0.12 }, { "IQ4_NL", 0.12 }, { "IQ4_XS", 0.12 },
        { "Q3_K", 0.25 }, { "Q2_K", 0.5 },
    };

    [Theory]
    [MemberData(nameof(Resolutions))]
    public void Every_writable_type_round_trips_within_its_resolution(string name, double bound)
    {
        var type = Enum.Parse<GgmlType>(name);
        const int rowLength = 512, rows = 3;
        float[] x = Values(rowLength * rows, 3);
        var bytes = new byte[rows * GgmlQuantization.RowBytes(type, rowLength)];
        GgmlQuantization.Quantize(type, x, rowLength, bytes);
        var back = new float[x.Length];
        GgmlQuantization.Dequantize(type, bytes, back);

        double error = Math.Sqrt(x.Zip(back, (a, b) => (double)(a - b) * (a - b)).Sum() / x.Sum(a => (double)a * a));
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {bytes.Length} bytes for {x.Length} floats, relative RMS error {error:E2}");
        error.Should().BeLessThan(bound);
        error.Should().BeGreaterThan(0, "the values are not all representable");
    }

    [Fact]
    public void Arguments_ggml_would_assert_on_are_refused()
    {
        var rowOfF16 = () => GgmlQuantization.RowBytes(GgmlType.F16, 32);
        rowOfF16.Should().Throw<ArgumentException>().WithMessage("*F16 is not one of the quantised types*");
        var ragged = () => GgmlQuantization.RowBytes(GgmlType.Q4_K, 1600);
        ragged.Should().Throw<ArgumentException>().WithMessage("*1600 elements is not a whole number of Q4_K blocks (256 elements)*");
        var shortDestination = () => GgmlQuantization.Quantize(GgmlType.Q8_0, new float[64], 64, new byte[33]);
        shortDestination.Should().Throw<ArgumentException>();
        var partialRow = () => GgmlQuantization.Quantize(GgmlType.Q8_0, new float[48], 32, new byte[68]);
        partialRow.Should().Throw<ArgumentException>().WithMessage("*not whole rows*");
        var partialBlock = () => GgmlQuantization.Dequantize(GgmlType.Q8_0, new byte[35], new float[32]);
        partialBlock.Should().Throw<ArgumentException>();
        GgmlQuantization.RequiresImportanceMatrix(GgmlType.IQ2_XXS).Should().BeTrue("ggml says so, which is why make-model refuses it");
        GgmlQuantization.RequiresImportanceMatrix(GgmlType.Q4_K).Should().BeFalse();
    }
}
