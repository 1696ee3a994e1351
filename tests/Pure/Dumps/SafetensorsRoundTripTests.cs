using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class SafetensorsRoundTripTests
{
    private static float Value(int tensor, long row, long col) => (float)(Math.Cos(tensor * 3.1 + row * 0.7 + col * 0.11) * 40);

    [Theory]
    [InlineData(TensorDtype.F16)]
    [InlineData(TensorDtype.F32)]
    public void Rows_written_out_of_order_read_back(TensorDtype dtype)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Root, "x.safetensors");
        SafetensorsTensorSpec[] specs = [new("a", dtype, 7, 5), new("b", dtype, 3, 2), new("empty", dtype, 0, 5)];
        using (var writer = SafetensorsWriter.Create(path, specs, new Dictionary<string, string> { ["k"] = "v" }))
        {
            foreach (int row in new[] { 6, 0, 3, 1, 5, 2, 4 })
                writer.WriteRows(0, row, Enumerable.Range(0, 5).Select(c => Value(0, row, c)).ToArray());
            writer.WriteRows(1, 1, Enumerable.Range(0, 4).Select(i => Value(1, 1 + i / 2, i % 2)).ToArray()); // rows 1..2 at once
            writer.WriteRows(1, 0, Enumerable.Range(0, 2).Select(c => Value(1, 0, c)).ToArray());
            writer.Complete();
        }
        Assert.False(File.Exists(path + ".tmp"));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("v", file.Metadata["k"]);
        Assert.Equal(["a", "b", "empty"], file.Tensors.Select(t => t.Name));
        var a = file.Find("a")!;
        Assert.Equal([7L, 5L], a.Shape);
        Assert.Equal(dtype, a.Dtype);
        var row3 = new float[5];
        a.ReadRow(3, row3);
        for (int c = 0; c < 5; c++)
            Assert.Equal(Expected(Value(0, 3, c)), row3[c]);
        float[] b = file.Find("b")!.ReadAll();
        for (int i = 0; i < 6; i++)
            Assert.Equal(Expected(Value(1, i / 2, i % 2)), b[i]);
        Assert.Empty(file.Find("empty")!.ReadAll());

        // The header is the documented layout: length prefix, space-padded JSON to a multiple of 8.
        byte[] bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        Assert.Equal(dtype == TensorDtype.F16 ? "F16" : "F32", header.RootElement.GetProperty("a").GetProperty("dtype").GetString());
        Assert.Equal(8 + (long)n + (7 * 5 + 3 * 2) * dtype.ElementSize(), bytes.Length);

        float Expected(float value) => dtype == TensorDtype.F16 ? (float)(Half)value : value;
    }

    [Fact]
    public void A_writer_disposed_without_complete_leaves_only_the_tmp_file_which_can_resume()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Root, "x.safetensors");
        SafetensorsTensorSpec[] specs = [new("a", TensorDtype.F32, 4, 2)];
        using (var writer = SafetensorsWriter.Create(path, specs))
            writer.WriteRows(0, 2, [1f, 2f]);
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(path + ".tmp"));

        Assert.Null(SafetensorsWriter.TryResume(path, [new("a", TensorDtype.F32, 5, 2)])); // another shape: not resumable
        using (var writer = SafetensorsWriter.TryResume(path, specs)!)
        {
            writer.WriteRows(0, 0, [3f, 4f]);
            writer.Complete();
        }
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([3f, 4f, 0f, 0f, 1f, 2f, 0f, 0f], file.Tensors[0].ReadAll());
    }

    [Fact]
    public void Writer_refuses_rows_outside_the_tensor()
    {
        using var temp = new TempDirectory();
        using var writer = SafetensorsWriter.Create(Path.Combine(temp.Root, "x.safetensors"), [new("a", TensorDtype.F16, 2, 3)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteRows(0, 1, new float[6]));
        Assert.Throws<ArgumentException>(() => writer.WriteRows(0, 0, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteRows(1, 0, new float[3]));
    }

    [Fact]
    public void Reads_a_file_written_by_hand_as_the_spec_describes()
    {
        // Tensors out of data order, metadata last, no padding: all valid safetensors.
        string json = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"s":{"dtype":"F16","shape":[],"data_offsets":[0,2]},"__metadata__":{"m":"x"}}""";
        byte[] data = [.. BitConverter.GetBytes((Half)1.5f), 0, 0, .. BitConverter.GetBytes(2.5f), .. BitConverter.GetBytes(-3f)];
        using var temp = new TempDirectory();
        string path = SafetensorsHostileTests.WriteFile(temp, json, data);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([2.5f, -3f], file.Find("w")!.ReadAll());
        Assert.Equal([1.5f], file.Find("s")!.ReadAll());
        Assert.Equal("x", file.Metadata["m"]);
    }
}
