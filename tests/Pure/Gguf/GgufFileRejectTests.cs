using AwesomeAssertions;
using AwesomeAssertions.Specialized;
using LlamaJump.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Gguf;

/// <summary>Malformed and hostile headers: each must fail with a one-line <see cref="GgufFormatException"/>
/// naming the file, before allocating anything a count in the file asked for.</summary>
public sealed class GgufFileRejectTests
{
    private static ExceptionAssertions<GgufFormatException> Rejecting(byte[] bytes, string name = "x.gguf") =>
        FluentActions.Invoking(() => GgufFile.Read(new MemoryStream(bytes), name))
            .Should().Throw<GgufFormatException>()
            .Where(e => e.Message.StartsWith(name + ": ", StringComparison.Ordinal) && !e.Message.Contains('\n'));

    private static ExceptionAssertions<GgufFormatException> Rejecting(GgufTestWriter writer, string name = "x.gguf") =>
        Rejecting(writer.Build(), name);

    [Fact]
    public void VersionOneIsRefusedWithAConversionHint()
    {
        Rejecting(new GgufTestWriter { Version = 1 })
            .WithMessage("x.gguf: GGUF v1 is not supported; convert the file with a current llama.cpp");
    }

    [Fact]
    public void BigEndianFilesAreRefused()
    {
        Rejecting(new GgufTestWriter { Version = 0x03000000 }).WithMessage("x.gguf: big-endian GGUF*not supported*");
    }

    [Fact]
    public void UnknownVersionsAreRefused()
    {
        Rejecting(new GgufTestWriter { Version = 4 }).WithMessage("x.gguf: unsupported GGUF version 4");
    }

    [Fact]
    public void AFileWithAnotherMagicIsNotGguf()
    {
        Rejecting(new GgufTestWriter { Magic = 0x464c457f }, "stories.gguf")
            .WithMessage("stories.gguf: not a GGUF file (magic 0x464c457f)");
    }

    [Fact]
    public void AnEmptyFileIsNotGguf()
    {
        Rejecting([]).WithMessage("x.gguf: not a GGUF file (only 0 bytes)");
    }

    [Fact]
    public void AnAbsurdTensorCountIsRefused()
    {
        Rejecting(new GgufTestWriter { TensorCountOverride = ulong.MaxValue })
            .WithMessage("x.gguf: absurd tensor count 18446744073709551615*");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    public void AnAbsurdMetadataCountIsRefused(ulong count)
    {
        Rejecting(new GgufTestWriter { MetadataCountOverride = count }.String("general.architecture", "llama"))
            .WithMessage($"x.gguf: absurd metadata count {count} while reading the header");
    }

    [Fact]
    public void AMetadataCountTheFileIsTooShortForIsTruncation()
    {
        var bytes = new GgufTestWriter { MetadataCountOverride = 1000 }.String("general.architecture", "llama").Build();

        Rejecting(bytes).WithMessage(
            $"x.gguf: truncated at byte {bytes.Length} while reading the header: metadata count 1000 needs at least 13000 more bytes, only 45 left");
    }

    [Fact]
    public void CountsThatOnlyFitSeparatelyAreTruncation()
    {
        // 40 bytes follow the header: room for one tensor info (32) or three pairs (13 each), not both.
        var writer = new GgufTestWriter { TensorCountOverride = 1, MetadataCountOverride = 3 }
            .RawPair(w => w.Write(new byte[40]));

        Rejecting(writer).WithMessage(
            "x.gguf: truncated at byte 64 while reading the header: 1 tensor infos and 3 metadata pairs need at least 71 more bytes, only 40 left");
    }

    [Fact]
    public void AHugeKeyLengthIsRefused()
    {
        var writer = new GgufTestWriter().RawPair(w =>
        {
            w.Write(ulong.MaxValue);
            w.Write(new byte[20]);
        });

        Rejecting(writer).WithMessage(
            "x.gguf: absurd string length 18446744073709551615 at byte 24 while reading metadata key 1 of 1");
    }

    [Fact]
    public void AHugeStringValueLengthIsRefused()
    {
        var writer = new GgufTestWriter().Pair("general.name", GgufValueType.String, w => w.Write(1UL << 62));

        Rejecting(writer).WithMessage(
            "x.gguf: absurd string length 4611686018427387904 at byte 48 while reading metadata key 1 of 1 ('general.name')");
    }

    [Fact]
    public void AStringRunningPastTheEndIsTruncation()
    {
        var writer = new GgufTestWriter().Pair("general.name", GgufValueType.String, w =>
        {
            w.Write(100UL);
            w.Write(new byte[20]);
        });

        Rejecting(writer).WithMessage(
            "x.gguf: truncated at byte 76 while reading metadata key 1 of 1 ('general.name'): string at byte 48 needs 100 bytes, only 20 left");
    }

    [Theory]
    [InlineData(GgufValueType.String, ulong.MaxValue)]
    [InlineData(GgufValueType.UInt8, ulong.MaxValue)]
    [InlineData(GgufValueType.UInt8, (ulong)int.MaxValue + 1)]
    [InlineData(GgufValueType.Float32, 1UL << 40)]
    public void AnAbsurdArrayLengthIsRefused(GgufValueType elementType, ulong count)
    {
        var writer = new GgufTestWriter().Pair("tokenizer.ggml.tokens", GgufValueType.Array, w =>
        {
            GgufTestWriter.WriteArrayHeader(w, elementType, count);
            w.Write(new byte[20]);
        });

        Rejecting(writer).WithMessage(
            $"x.gguf: absurd array length {count} while reading metadata key 1 of 1 ('tokenizer.ggml.tokens')");
    }

    [Theory]
    [InlineData(GgufValueType.UInt8, 21UL, 21)]
    [InlineData(GgufValueType.Int64, 3UL, 24)]
    [InlineData(GgufValueType.String, 3UL, 24)]
    [InlineData(GgufValueType.Array, 2UL, 24)]
    public void AnArrayLongerThanTheRestOfTheFileIsTruncation(GgufValueType elementType, ulong count, int need)
    {
        // 20 bytes follow the array header: too few for the count given.
        var writer = new GgufTestWriter().Pair("tokenizer.ggml.tokens", GgufValueType.Array, w =>
        {
            GgufTestWriter.WriteArrayHeader(w, elementType, count);
            w.Write(new byte[20]);
        });

        Rejecting(writer).WithMessage(
            $"x.gguf: truncated at byte * while reading metadata key 1 of 1 ('tokenizer.ggml.tokens'): array length {count} needs at least {need} more bytes, only 20 left");
    }

    [Fact]
    public void ArraysNestedThreeDeepAreRefused()
    {
        var writer = new GgufTestWriter().Pair("deep", GgufValueType.Array, w =>
        {
            GgufTestWriter.WriteArrayHeader(w, GgufValueType.Array, 1);
            GgufTestWriter.WriteArrayHeader(w, GgufValueType.Array, 1);
            GgufTestWriter.WriteArrayHeader(w, GgufValueType.Int32, 1);
            w.Write(1);
        });

        Rejecting(writer).WithMessage("x.gguf: arrays nested more than 2 deep*");
    }

    [Theory]
    [InlineData(13u)]
    [InlineData(uint.MaxValue)]
    public void AnUnknownValueTypeIsRefused(uint type)
    {
        Rejecting(new GgufTestWriter().Pair("k", (GgufValueType)type, w => w.Write(0L)))
            .WithMessage($"x.gguf: unknown value type {type} while reading metadata key 1 of 1 ('k')");
    }

    [Fact]
    public void AnUnknownArrayElementTypeIsRefused()
    {
        var writer = new GgufTestWriter().Pair("k", GgufValueType.Array, w =>
        {
            GgufTestWriter.WriteArrayHeader(w, (GgufValueType)77, 1);
            w.Write(0L);
        });

        Rejecting(writer).WithMessage("x.gguf: unknown value type 77*");
    }

    [Fact]
    public void ADuplicateKeyIsRefused()
    {
        Rejecting(new GgufTestWriter().UInt32("a", 1).UInt32("a", 2)).WithMessage("x.gguf: duplicate metadata key 'a'");
    }

    [Fact]
    public void ControlCharactersInKeysAreEscapedInMessages()
    {
        Rejecting(new GgufTestWriter().UInt32("a\nb", 1).UInt32("a\nb", 2))
            .WithMessage("x.gguf: duplicate metadata key 'a\\u000ab'");
    }

    [Fact]
    public void ATensorOffsetBeyondTheFileIsRefused()
    {
        Rejecting(new GgufTestWriter().TensorAt("blk.0.attn_q.weight", GgmlType.F32, 1UL << 40, 4))
            .WithMessage("x.gguf: tensor 'blk.0.attn_q.weight' has offset 1099511627776 beyond the file size *");
    }

    [Fact]
    public void TensorDataEndingBeyondTheFileIsRefused()
    {
        byte[] bytes = new GgufTestWriter().Tensor("blk.0.attn_q.weight", GgmlType.F32, 64, 64).Build();
        byte[] cut = bytes[..^1];

        Rejecting(cut).WithMessage(
            $"x.gguf: tensor 'blk.0.attn_q.weight' data ends at byte {bytes.Length} beyond the file size {cut.Length}");
    }

    [Fact]
    public void ADataSectionStartingBeyondTheFileIsRefused()
    {
        var writer = new GgufTestWriter { WriteData = false }.TensorAt("t", (GgmlType)4, 0, 8);

        // The header ends unaligned, so the data section would start past the end of the file.
        Rejecting(writer).WithMessage("x.gguf: tensor 't' data starts at byte * beyond the file size *");
    }

    [Fact]
    public void AMisalignedTensorOffsetIsRefused()
    {
        Rejecting(new GgufTestWriter().TensorAt("t", GgmlType.F32, 4, 1))
            .WithMessage("x.gguf: tensor 't' offset 4 is not a multiple of the alignment 32");
    }

    [Theory]
    [InlineData(48u)]
    [InlineData(0u)]
    [InlineData(3u)]
    public void AnAlignmentThatIsNotAPowerOfTwoIsRefused(uint alignment)
    {
        Rejecting(new GgufTestWriter().UInt32("general.alignment", alignment))
            .WithMessage($"x.gguf: general.alignment {alignment} is not a power of two");
    }

    [Fact]
    public void ANonIntegerAlignmentIsRefused()
    {
        Rejecting(new GgufTestWriter().String("general.alignment", "32"))
            .WithMessage("x.gguf: general.alignment is String '32', not an integer");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void TensorsNeedOneToFourDimensions(int nDims)
    {
        Rejecting(new GgufTestWriter().TensorAt("t", GgmlType.F32, 0, Enumerable.Repeat(2L, nDims).ToArray()))
            .WithMessage($"x.gguf: tensor 't' has {nDims} dimensions (ggml allows 1 to 4)");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void ATensorDimensionMustBePositive(long dim)
    {
        Rejecting(new GgufTestWriter().TensorAt("t", GgmlType.F32, 0, 4, dim))
            .WithMessage($"x.gguf: tensor 't' has invalid size {(ulong)dim} in dimension 1");
    }

    [Fact]
    public void AnElementCountOverflowIsRefused()
    {
        Rejecting(new GgufTestWriter().TensorAt("t", GgmlType.F32, 0, 1L << 32, 1L << 31, 2))
            .WithMessage("x.gguf: tensor 't' has more than 9223372036854775807 elements");
    }

    [Fact]
    public void AnElementCountThatFitsButWhoseBytesDoNotIsBeyondTheFile()
    {
        Rejecting(new GgufTestWriter().TensorAt("t", GgmlType.F64, 0, 1L << 31, 1L << 31))
            .WithMessage("x.gguf: tensor 't' data ends at byte * beyond the file size *");
    }

    [Fact]
    public void ARowThatIsNotAWholeNumberOfBlocksIsRefused()
    {
        Rejecting(new GgufTestWriter().TensorAt("t", GgmlType.Q4_0, 0, 33, 2))
            .WithMessage("x.gguf: tensor 't' has rows of 33 elements, not a multiple of the Q4_0 block size 32");
    }

    [Fact]
    public void ADuplicateTensorNameIsRefused()
    {
        Rejecting(new GgufTestWriter().Tensor("t", GgmlType.F32, 8).Tensor("t", GgmlType.F32, 8))
            .WithMessage("x.gguf: duplicate tensor name 't'");
    }
}
