using System.Buffers.Binary;
using System.Collections;
using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Tests.Pure.Models;
using Xunit;

namespace LlamaJump.Tests.Pure.Gguf;

/// <summary>GgufWriter against GgufFile (round trips), against the independent GgufTestWriter (byte layout), and
/// its file handling: temporary file, rename on Complete, cleanup on Dispose and on failure.</summary>
public sealed class GgufWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Target(string name = "model.gguf") => Path.Combine(_temp.Root, name);

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)(i * 31 + seed * 7 + (i >> 8));
        return bytes;
    }

    private static byte[] TensorData(string path, GgufFile file, GgufTensorInfo tensor)
    {
        using var stream = File.OpenRead(path);
        stream.Position = file.DataOffset + tensor.Offset;
        var data = new byte[tensor.ByteSize!.Value];
        stream.ReadExactly(data);
        return data;
    }

    [Fact]
    public void Metadata_of_every_type_and_tensors_round_trip_through_GgufFile()
    {
        string path = Target();
        byte[] embd = Pattern(64 * 10 * 4, 1);
        byte[] half = Pattern(3 * 2, 2);             // 6 bytes: padded to the alignment
        byte[] bf16 = Pattern(16 * 2 * 2, 3);
        byte[] q8 = Pattern(64 * 2 / 32 * 34, 4);
        byte[] i32 = Pattern(5 * 4, 5);

        using (var writer = new GgufWriter(path))
        {
            writer.SetMetadata("general.architecture", "llama")
                .SetMetadata("u8", (byte)200).SetMetadata("i8", (sbyte)-5)
                .SetMetadata("u16", (ushort)60000).SetMetadata("i16", (short)-30000)
                .SetMetadata("u32", 4_000_000_000u).SetMetadata("i32", -2_000_000_000)
                .SetMetadata("u64", ulong.MaxValue).SetMetadata("i64", long.MinValue)
                .SetMetadata("f32", 1e-5f).SetMetadata("f64", Math.PI)
                .SetMetadata("yes", true).SetMetadata("no", false)
                .SetMetadata("text", "héllo, 世界 ✓")
                .SetMetadata("empty", "")
                .SetMetadata("strings", ["<unk>", "<s>", "", "▁hello"])
                .SetMetadata("floats", [0f, -1.5f, float.NegativeInfinity])
                .SetMetadata("ints", new[] { 2, 3, -4 })
                .SetMetadata("uints", new uint[] { 7, 8 })
                .SetMetadata("longs", new long[] { long.MaxValue })
                .SetMetadata("ulongs", new ulong[] { 1, 2, 3 })
                .SetMetadata("doubles", new double[] { 0.25 })
                .SetMetadata("bools", new[] { true, false, true })
                .SetMetadata("bytes", new byte[] { 1, 255 })
                .SetMetadata("sbytes", new sbyte[] { -1 })
                .SetMetadata("shorts", new short[] { -2, 2 })
                .SetMetadata("ushorts", new ushort[] { 65535 })
                .SetMetadata("empty_floats", Array.Empty<float>());
            writer.AddTensor("token_embd.weight", GgmlType.F32, [64, 10], embd)
                .AddTensor("half", GgmlType.F16, [3], half)
                .AddTensor("bf16", GgmlType.BF16, [16, 2], s => s.Write(bf16)) // streamed
                .AddTensor("blk.0.attn_q.weight", GgmlType.Q8_0, [64, 2], s =>
                {
                    foreach (byte b in q8)
                        s.WriteByte(b);
                })
                .AddTensor("ids", GgmlType.I32, [5, 1, 1, 1], i32);
            File.Exists(writer.TempPath).Should().BeTrue();
            File.Exists(path).Should().BeFalse();
            writer.Complete();
            File.Exists(writer.TempPath).Should().BeFalse();
        }

        var file = GgufFile.Read(path);
        file.Version.Should().Be(3u);
        file.Metadata.Keys.Should().Equal("general.architecture", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64",
            "f32", "f64", "yes", "no", "text", "empty", "strings", "floats", "ints", "uints", "longs", "ulongs", "doubles",
            "bools", "bytes", "sbytes", "shorts", "ushorts", "empty_floats");
        file.GetString("general.architecture").Should().Be("llama");
        file.Metadata["u8"].Value.Should().Be((byte)200);
        file.Metadata["i8"].Value.Should().Be((sbyte)-5);
        file.Metadata["u16"].Value.Should().Be((ushort)60000);
        file.Metadata["i16"].Value.Should().Be((short)-30000);
        file.Metadata["u32"].Value.Should().Be(4_000_000_000u);
        file.Metadata["i32"].Value.Should().Be(-2_000_000_000);
        file.Metadata["u64"].Value.Should().Be(ulong.MaxValue);
        file.Metadata["i64"].Value.Should().Be(long.MinValue);
        file.Metadata["f32"].Value.Should().Be(1e-5f);
        file.Metadata["f64"].Value.Should().Be(Math.PI);
        file.Metadata["yes"].Value.Should().Be(true);
        file.Metadata["no"].Value.Should().Be(false);
        file.GetString("text").Should().Be("héllo, 世界 ✓");
        file.GetString("empty").Should().Be("");
        file.Metadata["strings"].AsArray<string>().Should().Equal("<unk>", "<s>", "", "▁hello");
        file.Metadata["strings"].ElementType.Should().Be(GgufValueType.String);
        file.Metadata["floats"].AsArray<float>().Should().Equal(0f, -1.5f, float.NegativeInfinity);
        file.Metadata["ints"].AsArray<int>().Should().Equal(2, 3, -4);
        file.Metadata["uints"].AsArray<uint>().Should().Equal(7u, 8u);
        file.Metadata["longs"].AsArray<long>().Should().Equal(long.MaxValue);
        file.Metadata["ulongs"].AsArray<ulong>().Should().Equal(1ul, 2ul, 3ul);
        file.Metadata["doubles"].AsArray<double>().Should().Equal(0.25);
        file.Metadata["bools"].AsArray<bool>().Should().Equal(true, false, true);
        file.Metadata["bytes"].AsArray<byte>().Should().Equal((byte)1, (byte)255);
        file.Metadata["sbytes"].AsArray<sbyte>().Should().Equal((sbyte)-1);
        file.Metadata["shorts"].AsArray<short>().Should().Equal((short)-2, (short)2);
        file.Metadata["ushorts"].AsArray<ushort>().Should().Equal((ushort)65535);
        file.Metadata["empty_floats"].AsArray<float>().Should().BeEmpty();
        file.Metadata["empty_floats"].ElementType.Should().Be(GgufValueType.Float32);

        file.Tensors.Select(t => (t.Name, t.Type)).Should().Equal(
            ("token_embd.weight", GgmlType.F32), ("half", GgmlType.F16), ("bf16", GgmlType.BF16),
            ("blk.0.attn_q.weight", GgmlType.Q8_0), ("ids", GgmlType.I32));
        file.Tensors[0].Dims.Should().Equal(64, 10);
        file.Tensors[1].Dims.Should().Equal(3);
        file.Tensors[3].Dims.Should().Equal(64, 2);
        file.Tensors[4].Dims.Should().Equal(5, 1, 1, 1);
        file.Tensors.Select(t => t.Offset).Should().Equal(0, 2560, 2592, 2656, 2656 + 160); // 136 bytes of Q8_0 pad to 160
        (file.DataOffset % 32).Should().Be(0);
        file.FileSize.Should().Be(file.DataOffset + 2816 + 32, "each tensor, the last one included, is padded to 32");

        TensorData(path, file, file.Tensors[0]).Should().Equal(embd);
        TensorData(path, file, file.Tensors[1]).Should().Equal(half);
        TensorData(path, file, file.Tensors[2]).Should().Equal(bf16);
        TensorData(path, file, file.Tensors[3]).Should().Equal(q8);
        TensorData(path, file, file.Tensors[4]).Should().Equal(i32);
    }

    [Fact]
    public void Layout_matches_the_independent_test_writer_byte_for_byte()
    {
        byte[] expected = new GgufTestWriter()
            .String("general.architecture", "gpt2")
            .UInt32("gpt2.block_count", 2)
            .Float32("gpt2.attention.layer_norm_epsilon", 1e-5f)
            .StringArray("tokenizer.ggml.tokens", "a", "b", "ü")
            .Int32Array("tokenizer.ggml.token_type", 1, 1, 1)
            .Tensor("token_embd.weight", GgmlType.F32, 8, 3)
            .Tensor("blk.0.ffn_up.bias", GgmlType.F16, 5)
            .Tensor("output.weight", GgmlType.Q8_0, 32, 3)
            .Build();
        string path = Target();
        using (var writer = new GgufWriter(path))
        {
            writer.SetMetadata("general.architecture", "gpt2")
                .SetMetadata("gpt2.block_count", 2u)
                .SetMetadata("gpt2.attention.layer_norm_epsilon", 1e-5f)
                .SetMetadata("tokenizer.ggml.tokens", ["a", "b", "ü"])
                .SetMetadata("tokenizer.ggml.token_type", new[] { 1, 1, 1 })
                .AddTensor("token_embd.weight", GgmlType.F32, [8, 3], new byte[8 * 3 * 4])
                .AddTensor("blk.0.ffn_up.bias", GgmlType.F16, [5], new byte[10])
                .AddTensor("output.weight", GgmlType.Q8_0, [32, 3], new byte[3 * 34]);
            writer.Complete();
        }

        byte[] actual = File.ReadAllBytes(path);

        // The test writer ends right after the last tensor; GgufWriter pads it to the alignment as gguf.cpp does.
        actual.Length.Should().Be((expected.Length + 31) / 32 * 32);
        actual.AsSpan(0, expected.Length).SequenceEqual(expected).Should().BeTrue();
        actual.AsSpan(expected.Length).IndexOfAnyExcept((byte)0).Should().Be(-1);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(8u)]
    [InlineData(64u)]
    [InlineData(4096u)]
    public void General_alignment_places_the_data_section_and_every_tensor(uint alignment)
    {
        string path = Target();
        using (var writer = new GgufWriter(path))
        {
            writer.SetMetadata("general.alignment", alignment);
            writer.Alignment.Should().Be(alignment);
            for (int i = 0; i < 4; i++)
                writer.AddTensor($"t{i}", GgmlType.F16, [3 + 2 * i], Pattern((3 + 2 * i) * 2, i));
            writer.Complete();
        }

        var file = GgufFile.Read(path);
        (file.DataOffset % alignment).Should().Be(0);
        long expectedOffset = 0;
        for (int i = 0; i < 4; i++)
        {
            var tensor = file.Tensors[i];
            tensor.Offset.Should().Be(expectedOffset);
            TensorData(path, file, tensor).Should().Equal(Pattern((3 + 2 * i) * 2, i));
            expectedOffset += (tensor.ByteSize!.Value + alignment - 1) / alignment * alignment;
        }
        file.FileSize.Should().Be(file.DataOffset + expectedOffset);
    }

    [Fact]
    public void Copying_all_metadata_of_a_file_reproduces_it_nested_arrays_included()
    {
        // A nested array (array of Int32 arrays), written independently of GgufWriter.
        byte[] source = new GgufTestWriter()
            .String("general.architecture", "llama")
            .Pair("nested", GgufValueType.Array, w =>
            {
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.Array, 2);
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.Int32, 2);
                w.Write(1);
                w.Write(2);
                GgufTestWriter.WriteArrayHeader(w, GgufValueType.String, 1);
                GgufTestWriter.WriteString(w, "x");
            })
            .UInt64("general.alignment_like", 9)
            .Build();
        var original = GgufFile.Read(new MemoryStream(source), "source.gguf");
        string path = Target();

        using (var writer = new GgufWriter(path))
        {
            writer.CopyMetadata(original).Complete();
        }

        // Like gguf.cpp, the (empty) data section still starts at an aligned offset.
        byte[] actual = File.ReadAllBytes(path);
        actual.Length.Should().Be((source.Length + 31) / 32 * 32);
        actual.AsSpan(0, source.Length).SequenceEqual(source).Should().BeTrue();
        actual.AsSpan(source.Length).IndexOfAnyExcept((byte)0).Should().Be(-1);
    }

    [Fact]
    public void A_real_vocab_file_copies_with_every_key_and_value_equal()
    {
        var vocab = GgufFile.Read(SharedFiles.Path("models", "vocab", "ggml-vocab-phi-3.gguf"));
        string path = Target();

        using (var writer = new GgufWriter(path))
        {
            writer.CopyMetadata(vocab, key => key != "general.name")
                .SetMetadata("general.architecture", "phi3-copy") // replaced in place: stays first
                .Complete();
        }

        var copy = GgufFile.Read(path);
        copy.Metadata.Keys.Should().Equal(vocab.Metadata.Keys.Where(k => k != "general.name"));
        copy.GetString("general.architecture").Should().Be("phi3-copy");
        foreach (var (key, value) in copy.Metadata.Where(kv => kv.Key != "general.architecture"))
        {
            var expected = vocab.Metadata[key];
            value.Type.Should().Be(expected.Type, key);
            value.ElementType.Should().Be(expected.ElementType, key);
            StructuralComparisons.StructuralEqualityComparer.Equals(value.Value, expected.Value).Should().BeTrue(key);
        }
    }

    [Fact]
    public void Set_replaces_in_place_and_Remove_drops_a_key()
    {
        string path = Target();
        using (var writer = new GgufWriter(path))
        {
            writer.SetMetadata("a", 1).SetMetadata("b", 2).SetMetadata("c", 3);
            writer.SetMetadata("a", "one");
            writer.RemoveMetadata("b").Should().BeTrue();
            writer.RemoveMetadata("missing").Should().BeFalse();
            writer.MetadataKeys.Should().Equal("a", "c");
            writer.Complete();
        }

        var file = GgufFile.Read(path);
        file.Metadata.Keys.Should().Equal("a", "c");
        file.GetString("a").Should().Be("one");
        file.GetInteger("c").Should().Be(3);
    }

    [Fact]
    public void Complete_replaces_an_existing_file()
    {
        string path = Target();
        File.WriteAllText(path, "old");
        using (var writer = new GgufWriter(path))
            writer.SetMetadata("k", 1u).Complete();

        GgufFile.Read(path).GetInteger("k").Should().Be(1);
    }

    [Fact]
    public void Disposing_without_Complete_leaves_no_file()
    {
        string path = Target();
        string temp;
        using (var writer = new GgufWriter(path))
        {
            temp = writer.TempPath;
            writer.SetMetadata("k", 1u).AddTensor("t", GgmlType.F32, [4], new byte[16]);
        }

        temp.Should().Be(path + ".tmp");
        File.Exists(temp).Should().BeFalse();
        File.Exists(path).Should().BeFalse();
    }

    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(0)]
    public void A_provider_that_writes_the_wrong_size_fails_Complete_and_leaves_no_file(int bytes)
    {
        string path = Target();
        File.WriteAllText(path, "kept");
        var writer = new GgufWriter(path);
        writer.AddTensor("t", GgmlType.F32, [4], s => s.Write(new byte[bytes]));

        var complete = () => writer.Complete();

        complete.Should().Throw<InvalidOperationException>().WithMessage("tensor 't': the data provider wrote *");
        File.Exists(writer.TempPath).Should().BeFalse();
        File.ReadAllText(path).Should().Be("kept", "a failed write does not touch the target");
        complete.Should().Throw<ObjectDisposedException>();
        writer.Dispose();
    }

    [Fact]
    public void A_provider_exception_propagates_and_leaves_no_file()
    {
        string path = Target();
        using var writer = new GgufWriter(path);
        writer.AddTensor("t", GgmlType.F32, [4], _ => throw new IOException("source gone"));

        writer.Invoking(w => w.Complete()).Should().Throw<IOException>().WithMessage("source gone");
        File.Exists(writer.TempPath).Should().BeFalse();
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void A_second_writer_to_the_same_path_is_refused_while_the_first_is_open()
    {
        string path = Target();
        using var first = new GgufWriter(path);

        var second = () => new GgufWriter(path);

        second.Should().Throw<IOException>();
    }

    [Fact]
    public void Invalid_tensors_and_alignment_are_refused()
    {
        using var writer = new GgufWriter(Target());
        writer.AddTensor("t", GgmlType.F32, [4], new byte[16]);

        writer.Invoking(w => w.AddTensor("t", GgmlType.F32, [4], new byte[16]))
            .Should().Throw<ArgumentException>().WithMessage("tensor 't' was already added*");
        writer.Invoking(w => w.AddTensor("u", GgmlType.F32, [4], new byte[15]))
            .Should().Throw<ArgumentException>().WithMessage("*takes 16 bytes, 15 given*");
        writer.Invoking(w => w.AddTensor("u", GgmlType.F32, [], new byte[4]))
            .Should().Throw<ArgumentException>().WithMessage("*0 dimensions*");
        writer.Invoking(w => w.AddTensor("u", GgmlType.F32, [1, 1, 1, 1, 1], new byte[4]))
            .Should().Throw<ArgumentException>().WithMessage("*5 dimensions*");
        writer.Invoking(w => w.AddTensor("u", GgmlType.F32, [4, 0], []))
            .Should().Throw<ArgumentException>().WithMessage("*dimension of 0*");
        writer.Invoking(w => w.AddTensor("u", GgmlType.Q8_0, [48], new byte[34]))
            .Should().Throw<ArgumentException>().WithMessage("*not a multiple of the Q8_0 block size 32*");
        writer.Invoking(w => w.AddTensor("u", (GgmlType)4, [4], new byte[16]))
            .Should().Throw<ArgumentException>().WithMessage("*not known*");
        writer.Invoking(w => w.AddTensor(new string('x', 64), GgmlType.F32, [1], new byte[4]))
            .Should().Throw<ArgumentException>().WithMessage("*64 UTF-8 bytes*");
        writer.Invoking(w => w.AddTensor("", GgmlType.F32, [1], new byte[4]))
            .Should().Throw<ArgumentException>();
        writer.Invoking(w => w.AddTensor("u", GgmlType.F32, [long.MaxValue, 2], _ => { }))
            .Should().Throw<ArgumentException>().WithMessage("*elements*");
        writer.Invoking(w => w.SetMetadata("general.alignment", 32))
            .Should().Throw<ArgumentException>().WithMessage("general.alignment must be a UInt32, not Int32*");
        writer.Invoking(w => w.SetMetadata("general.alignment", 48u))
            .Should().Throw<ArgumentException>().WithMessage("*48 is not a power of two*");
        writer.Invoking(w => w.SetMetadata("general.alignment", 0u))
            .Should().Throw<ArgumentException>();
        writer.Invoking(w => w.SetMetadata("", 1))
            .Should().Throw<ArgumentException>();
        writer.TensorCount.Should().Be(1);
        writer.MetadataKeys.Should().BeEmpty();
    }

    [Fact]
    public void TensorByteSize_follows_the_block_layout()
    {
        GgufWriter.TensorByteSize(GgmlType.F32, [64, 3]).Should().Be(768);
        GgufWriter.TensorByteSize(GgmlType.F16, [7]).Should().Be(14);
        GgufWriter.TensorByteSize(GgmlType.Q4_K, [512, 2]).Should().Be(2 * 2 * 144);
    }

    [Fact]
    public void Data_is_streamed_in_chunks_to_a_large_tensor()
    {
        const int rows = 1024, cols = 256; // 1 MiB of F32, written 4 KiB at a time
        string path = Target();
        using (var writer = new GgufWriter(path))
        {
            writer.AddTensor("big", GgmlType.F32, [cols, rows], stream =>
            {
                var chunk = new byte[cols * 4];
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < cols; c++)
                        BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(c * 4), r * 1000f + c);
                    stream.Write(chunk);
                }
            });
            writer.Complete();
        }

        var file = GgufFile.Read(path);
        byte[] data = TensorData(path, file, file.Tensors[0]);
        BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((5 * cols + 7) * 4)).Should().Be(5007f);
        BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(data.Length - 4)).Should().Be((rows - 1) * 1000f + cols - 1);
    }
}
