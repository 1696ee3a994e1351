using System.Buffers.Binary;
using System.Text;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class SafetensorsHostileTests
{
    /// <summary>Writes a file: 8-byte length of <paramref name="json"/> (or <paramref name="length"/>), the JSON, the data.</summary>
    internal static string WriteFile(TempDirectory temp, string json, byte[] data, ulong? length = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        string path = Path.Combine(temp.Root, $"hostile-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Refused(string path)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(Path.GetFileName(path) + ": ", e.Message);
        return e.Problem;
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,20]}}""", 16, "outside the data area")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[8,4]}}""", 16, "outside the data area")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}""", 16, "needs 24 bytes, its data_offsets give 16")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]}}""", 16, "needs 8 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 16, "overlap")]
    [InlineData("""{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}""", 16, "dtype BF16")]
    [InlineData("""{"a":{"shape":[2],"data_offsets":[0,4]}}""", 16, "no dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,4]}}""", 16, "not a non-negative integer")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 16, "not a non-negative integer")]
    [InlineData("""{"a":{"dtype":"F32","shape":"2","data_offsets":[0,4]}}""", 16, "no shape array")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 16, "3 data_offsets values")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}""", 16, "too large")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 16, "appears twice")]
    [InlineData("""{"__metadata__":{"k":1}}""", 0, "is not a string")]
    [InlineData("""{"__metadata__":[]}""", 0, "is not an object")]
    [InlineData("""{"a":7}""", 0, "is not an object")]
    [InlineData("""[1,2,3]""", 0, "not a JSON object")]
    [InlineData("""{"a":""", 0, "not valid JSON")]
    [InlineData("not json at all", 0, "not valid JSON")]
    public void Hostile_headers_are_refused(string json, int dataBytes, string problem)
    {
        using var temp = new TempDirectory();
        Assert.Contains(problem, Refused(WriteFile(temp, json, new byte[dataBytes])));
    }

    [Theory]
    [InlineData(ulong.MaxValue, "exceeds the 100000000-byte limit")]
    [InlineData(1UL << 40, "exceeds the 100000000-byte limit")]
    [InlineData(99_999_999UL, "runs past the end of the file")]
    [InlineData(1UL, "too short")]
    public void Bad_header_lengths_are_refused(ulong length, string problem)
    {
        using var temp = new TempDirectory();
        Assert.Contains(problem, Refused(WriteFile(temp, "{}", [], length)));
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Root, "valid.safetensors");
        using (var writer = SafetensorsWriter.Create(path, [new("a", TensorDtype.F16, 3, 4), new("b", TensorDtype.F32, 2, 2)]))
            writer.Complete();
        byte[] bytes = File.ReadAllBytes(path);
        SafetensorsFile.Open(path).Dispose();
        for (int length = 0; length < bytes.Length; length++)
        {
            string cut = Path.Combine(temp.Root, $"cut-{length}.safetensors");
            File.WriteAllBytes(cut, bytes[..length]);
            Refused(cut);
        }
    }
}
