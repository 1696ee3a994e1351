using AwesomeAssertions;
using LlamaJump.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Gguf;

public sealed class GgufFileReadTests
{
    private static GgufTestWriter SmallModel() => new GgufTestWriter()
        .String("general.architecture", "llama")
        .UInt32("llama.block_count", 2)
        .Int32("llama.embedding_length", 64)
        .Float32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
        .Bool("tokenizer.ggml.add_bos_token", true)
        .StringArray("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "héllo")
        .Float32Array("tokenizer.ggml.scores", 0f, -1f, -2f, -3.5f)
        .Int32Array("tokenizer.ggml.token_type", 2, 3, 3, 1)
        .Tensor("token_embd.weight", GgmlType.F32, 64, 4)
        .Tensor("output_norm.weight", GgmlType.F32, 64)
        .Tensor("blk.0.attn_q.weight", GgmlType.Q8_0, 64, 64);

    [Fact]
    public void V3FileRoundTripsMetadataAndTensorInfos()
    {
        byte[] bytes = SmallModel().Build();

        var file = GgufFile.Read(new MemoryStream(bytes), "small.gguf");

        file.Path.Should().Be("small.gguf");
        file.Version.Should().Be(3u);
        file.FileSize.Should().Be(bytes.Length);
        file.Metadata.Should().HaveCount(8);
        file.GetString("general.architecture").Should().Be("llama");
        file.GetInteger("llama.block_count").Should().Be(2);
        file.GetInteger("llama.embedding_length").Should().Be(64);
        file.Metadata["llama.attention.layer_norm_rms_epsilon"].Value.Should().Be(1e-5f);
        file.Metadata["tokenizer.ggml.add_bos_token"].Value.Should().Be(true);
        file.GetArrayLength("tokenizer.ggml.tokens").Should().Be(4);
        file.Metadata["tokenizer.ggml.tokens"].AsArray<string>().Should().Equal("<unk>", "<s>", "</s>", "héllo");
        file.Metadata["tokenizer.ggml.tokens"].ElementType.Should().Be(GgufValueType.String);
        file.Metadata["tokenizer.ggml.scores"].AsArray<float>().Should().Equal(0f, -1f, -2f, -3.5f);
        file.Metadata["tokenizer.ggml.token_type"].AsArray<int>().Should().Equal(2, 3, 3, 1);

        file.Tensors.Select(t => t.Name).Should().Equal("token_embd.weight", "output_norm.weight", "blk.0.attn_q.weight");
        var embd = file.Tensors[0];
        embd.Dims.Should().Equal(64, 4);
        embd.Type.Should().Be(GgmlType.F32);
        embd.Offset.Should().Be(0);
        embd.ElementCount.Should().Be(256);
        embd.ByteSize.Should().Be(1024);
        file.Tensors[1].Offset.Should().Be(1024);
        file.Tensors[1].ByteSize.Should().Be(256);
        file.Tensors[2].Offset.Should().Be(1280);
        file.Tensors[2].ByteSize.Should().Be(64 * 64 / 32 * 34);
        file.DataOffset.Should().Be(bytes.Length - 1280 - 64 * 64 / 32 * 34);
        (file.DataOffset % 32).Should().Be(0);
    }

    [Fact]
    public void ReadingAPathGivesTheFullPath()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"llamajump-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, SmallModel().Build());
        try
        {
            var file = GgufFile.Read(path);
            file.Path.Should().Be(path);
            file.Tensors.Should().HaveCount(3);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void V2IsAccepted()
    {
        var writer = SmallModel();
        writer.Version = 2;

        GgufFile.Read(writer.BuildStream(), "v2.gguf").Version.Should().Be(2u);
    }

    [Fact]
    public void EveryScalarTypeIsKeptWithItsClrType()
    {
        var file = GgufFile.Read(new GgufTestWriter()
            .UInt8("u8", 200).Int8("i8", -100).UInt16("u16", 60000).Int16("i16", -30000)
            .UInt32("u32", 4_000_000_000).Int32("i32", -2_000_000_000).UInt64("u64", ulong.MaxValue)
            .Int64("i64", long.MinValue).Float64("f64", Math.PI).Float32("f32", 0.5f).Bool("b", false)
            .BuildStream(), "types.gguf");

        file.Metadata["u8"].Value.Should().Be((byte)200);
        file.Metadata["i8"].Value.Should().Be((sbyte)-100);
        file.Metadata["u16"].Value.Should().Be((ushort)60000);
        file.Metadata["i16"].Value.Should().Be((short)-30000);
        file.Metadata["u32"].Value.Should().Be(4_000_000_000u);
        file.Metadata["i32"].Value.Should().Be(-2_000_000_000);
        file.Metadata["u64"].Value.Should().Be(ulong.MaxValue);
        file.Metadata["i64"].Value.Should().Be(long.MinValue);
        file.Metadata["f64"].Value.Should().Be(Math.PI);
        file.Metadata["b"].Value.Should().Be(false);
        file.Metadata["u32"].Type.Should().Be(GgufValueType.UInt32);
        file.Metadata["u32"].ElementType.Should().BeNull();
        file.Metadata["u32"].ArrayLength.Should().BeNull();

        file.GetInteger("u8").Should().Be(200);
        file.GetInteger("i8").Should().Be(-100);
        file.GetInteger("u16").Should().Be(60000);
        file.GetInteger("i16").Should().Be(-30000);
        file.GetInteger("u32").Should().Be(4_000_000_000);
        file.GetInteger("i32").Should().Be(-2_000_000_000);
        file.GetInteger("i64").Should().Be(long.MinValue);
        file.GetInteger("u64").Should().BeNull("it does not fit a long");
        file.GetInteger("f32").Should().BeNull();
        file.GetInteger("missing").Should().BeNull();
        file.GetString("u8").Should().BeNull();
        file.GetArrayLength("u8").Should().BeNull();
        file.Tensors.Should().BeEmpty();
    }

    [Fact]
    public void ArraysOfEveryElementTypeAndArraysOfArraysAreRead()
    {
        var writer = new GgufTestWriter()
            .Pair("u16s", GgufValueType.Array, w =>
            {
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.UInt16, 3);
                w.Write((ushort)1); w.Write((ushort)2); w.Write(ushort.MaxValue);
            })
            .Pair("i64s", GgufValueType.Array, w =>
            {
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.Int64, 2);
                w.Write(long.MinValue); w.Write(7L);
            })
            .Pair("bools", GgufValueType.Array, w =>
            {
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.Bool, 3);
                w.Write((byte)0); w.Write((byte)1); w.Write((byte)2);
            })
            .Pair("nested", GgufValueType.Array, w =>
            {
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.Array, 2);
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.Int32, 1);
                w.Write(5);
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.String, 1);
                GgufTestWriter.WriteString(w, "x");
            })
            .StringArray("empty");

        var file = GgufFile.Read(writer.BuildStream(), "arrays.gguf");

        file.Metadata["u16s"].AsArray<ushort>().Should().Equal(1, 2, ushort.MaxValue);
        file.Metadata["i64s"].AsArray<long>().Should().Equal(long.MinValue, 7L);
        file.Metadata["bools"].AsArray<bool>().Should().Equal(false, true, true);
        var nested = file.Metadata["nested"].AsArray<GgufValue>()!;
        nested.Should().HaveCount(2);
        nested[0].AsArray<int>().Should().Equal(5);
        nested[1].AsArray<string>().Should().Equal("x");
        file.GetArrayLength("empty").Should().Be(0);
        file.Metadata["i64s"].ToString().Should().Be("[2 × Int64]");
    }

    [Fact]
    public void InvalidUtf8BecomesReplacementCharacters()
    {
        var writer = new GgufTestWriter().Pair("bad", GgufValueType.String, w =>
        {
            w.Write(3UL);
            w.Write(new byte[] { 0x61, 0xff, 0x62 });
        });

        GgufFile.Read(writer.BuildStream(), "utf8.gguf").GetString("bad").Should().Be("a\ufffdb");
    }

    [Fact]
    public void ALargeVocabularyIsReadWhole()
    {
        string[] tokens = Enumerable.Range(0, 150_000).Select(i => $"tok{i}").ToArray();
        var file = GgufFile.Read(new GgufTestWriter().StringArray("tokenizer.ggml.tokens", tokens).BuildStream(), "big.gguf");

        file.GetArrayLength("tokenizer.ggml.tokens").Should().Be(150_000);
        file.Metadata["tokenizer.ggml.tokens"].AsArray<string>()![149_999].Should().Be("tok149999");
    }

    [Fact]
    public void AStringLongerThanTheReadBufferIsRead()
    {
        string template = new('x', 200_000);

        GgufFile.Read(new GgufTestWriter().String("tokenizer.chat_template", template).BuildStream(), "t.gguf")
            .GetString("tokenizer.chat_template").Should().Be(template);
    }

    [Fact]
    public void CustomAlignmentPlacesTheDataSection()
    {
        var writer = new GgufTestWriter().WithAlignment(64)
            .Tensor("a", GgmlType.F32, 3)
            .Tensor("b", GgmlType.F16, 5);

        var file = GgufFile.Read(writer.BuildStream(), "aligned.gguf");

        (file.DataOffset % 64).Should().Be(0);
        file.Tensors[1].Offset.Should().Be(64);
        file.FileSize.Should().Be(file.DataOffset + 64 + 10);
    }

    [Fact]
    public void ATensorOfUnknownSizeSkipsTheSizeCheck()
    {
        var writer = new GgufTestWriter().TensorAt("odd", (GgmlType)4, 0, 1000, 1000);

        var tensor = GgufFile.Read(writer.BuildStream(), "odd.gguf").Tensors.Single();

        tensor.ByteSize.Should().BeNull();
        tensor.ElementCount.Should().Be(1_000_000);
    }

    [Theory]
    [InlineData(GgmlType.F32, 256, 1024)]
    [InlineData(GgmlType.F16, 256, 512)]
    [InlineData(GgmlType.BF16, 256, 512)]
    [InlineData(GgmlType.Q4_0, 256, 144)]
    [InlineData(GgmlType.Q4_1, 256, 160)]
    [InlineData(GgmlType.Q5_0, 256, 176)]
    [InlineData(GgmlType.Q5_1, 256, 192)]
    [InlineData(GgmlType.Q8_0, 256, 272)]
    [InlineData(GgmlType.Q2_K, 256, 84)]
    [InlineData(GgmlType.Q3_K, 256, 110)]
    [InlineData(GgmlType.Q4_K, 256, 144)]
    [InlineData(GgmlType.Q5_K, 256, 176)]
    [InlineData(GgmlType.Q6_K, 256, 210)]
    [InlineData(GgmlType.Q8_K, 256, 292)]
    public void ByteSizeFollowsTheBlockLayout(GgmlType type, long rowLength, long expectedBytesPerRow)
    {
        new GgufTensorInfo("t", [rowLength, 3], type, 0).ByteSize.Should().Be(expectedBytesPerRow * 3);
    }

    [Fact]
    public void OffsetsBeyondFourGibibytesAreKept()
    {
        var writer = new GgufTestWriter { WriteData = false }
            .Tensor("token_embd.weight", GgmlType.F32, 1L << 15, 1L << 15)
            .Tensor("output.weight", GgmlType.F32, 8);
        byte[] head = writer.Build();
        long dataOffset = (head.Length + 31) / 32 * 32;
        using var stream = new ZeroPaddedStream(head, dataOffset + (1L << 32) + 32);

        var file = GgufFile.Read(stream, "big.gguf");

        file.FileSize.Should().Be(dataOffset + (1L << 32) + 32);
        file.Tensors[0].ByteSize.Should().Be(1L << 32);
        file.Tensors[1].Offset.Should().Be(1L << 32);
    }

    [Fact]
    public void AStreamThatCannotSeekIsRefused()
    {
        using var pipe = new NonSeekableStream(SmallModel().Build());

        FluentActions.Invoking(() => GgufFile.Read(pipe, "pipe.gguf")).Should().Throw<ArgumentException>();
    }

    /// <summary>A large file without the disk space: the given bytes, then zeros up to the given length.</summary>
    private sealed class ZeroPaddedStream(byte[] head, long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Clamp(length - Position, 0, count);
            for (int i = 0; i < n; i++)
                buffer[offset + i] = Position + i < head.Length ? head[Position + i] : (byte)0;
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
