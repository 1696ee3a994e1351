using AwesomeAssertions;
using LlamaJump.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Gguf;

/// <summary>Every cut and every corrupted byte of a small valid file either reads or fails with
/// <see cref="GgufFormatException"/> — never another exception.</summary>
public sealed class GgufTruncationTests
{
    // Ends exactly at the last tensor's data, so no proper prefix is a complete file.
    private static readonly byte[] Valid = new GgufTestWriter()
        .String("general.architecture", "llama")
        .UInt32("llama.block_count", 1)
        .Bool("flag", true)
        .Float64("f64", 2.5)
        .StringArray("tokenizer.ggml.tokens", "a", "bc", "")
        .Float32Array("tokenizer.ggml.scores", 1f, 2f, 3f)
        .Pair("nested", GgufValueType.Array, w =>
        {
            GgufTestWriter.WriteArrayHeader(w, GgufValueType.Array, 1);
            GgufTestWriter.WriteArrayHeader(w, GgufValueType.UInt16, 2);
            w.Write((ushort)1);
            w.Write((ushort)2);
        })
        .WithAlignment(16)
        .Tensor("token_embd.weight", GgmlType.F32, 4, 3)
        .Tensor("blk.0.attn_q.weight", GgmlType.Q8_0, 32, 2)
        .Build();

    [Fact]
    public void TheUncutFileReads()
    {
        var file = GgufFile.Read(new MemoryStream(Valid), "x.gguf");

        file.Tensors.Should().HaveCount(2);
        file.Metadata.Should().HaveCount(8);
    }

    [Fact]
    public void EveryProperPrefixFailsWithAFormatException()
    {
        for (int length = 0; length < Valid.Length; length++)
        {
            byte[] prefix = Valid[..length];
            var read = () => GgufFile.Read(new MemoryStream(prefix), "x.gguf");

            read.Should().Throw<GgufFormatException>($"a prefix of {length} of {Valid.Length} bytes is incomplete")
                .Which.Message.Should().StartWith("x.gguf: ").And.NotContain("\n");
        }
    }

    [Fact]
    public void APrefixCutInsideAnArraySaysHowShortTheFileIs()
    {
        byte[] prefix = Valid[..200]; // too short for the three tokens the array announces

        FluentActions.Invoking(() => GgufFile.Read(new MemoryStream(prefix), "x.gguf"))
            .Should().Throw<GgufFormatException>()
            .WithMessage("x.gguf: truncated at byte 200 while reading metadata key 5 of 8 ('tokenizer.ggml.tokens'): "
                + "array length 3 needs at least 24 more bytes, only 13 left");
    }

    [Fact]
    public void APrefixCutInsideAStringSaysWhereItWasTruncated()
    {
        byte[] prefix = Valid[..213]; // inside the length of the last token, after the array's bounds check

        FluentActions.Invoking(() => GgufFile.Read(new MemoryStream(prefix), "x.gguf"))
            .Should().Throw<GgufFormatException>()
            .WithMessage("x.gguf: truncated at byte 213 while reading metadata key 5 of 8 ('tokenizer.ggml.tokens')");
    }

    [Theory]
    [InlineData((byte)0x00)]
    [InlineData((byte)0xff)]
    [InlineData((byte)0x80)]
    public void EveryCorruptedByteReadsOrFailsWithAFormatException(byte corruption)
    {
        for (int at = 0; at < Valid.Length; at++)
        {
            byte[] bytes = (byte[])Valid.Clone();
            bytes[at] = corruption;
            try
            {
                GgufFile.Read(new MemoryStream(bytes), "x.gguf");
            }
            catch (GgufFormatException e)
            {
                e.Message.Should().StartWith("x.gguf: ").And.NotContain("\n");
            }
        }
    }
}
