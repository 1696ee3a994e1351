using LlamaJump.Dumps;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class DumpReaderTests
{
    [Fact]
    public void No_dump_and_damaged_dumps_are_one_line_errors()
    {
        using var temp = new TempDirectory();
        Assert.Contains("does not exist", Assert.Throws<DumpFormatException>(() => DumpReader.Open(Path.Combine(temp.Root, "none"))).Message);
        Assert.Contains("holds no dump (no manifest.json)", Assert.Throws<DumpFormatException>(() => DumpReader.Open(temp.Dir("empty"))).Message);

        string dir = Path.Combine(temp.Root, "out");
        DumpFixture.WriteAll(dir, DumpFixture.Identity());
        string manifest = Path.Combine(dir, "manifest.json");
        string good = File.ReadAllText(manifest);

        Damage(manifest, good.Replace("\"n_embd\": 4", "\"n_embd\": 5"), "tensor h.0 is F16 [10, 4], expected F16 [10, 5]");
        Damage(manifest, good.Replace("\"version\": 1", "\"version\": 2"), "version 2 is not the version 1");
        Damage(manifest, good.Replace("\"n_layer\": 3", "\"n_layer\": 2"), "3 tensors, expected one per block (2)");
        Damage(manifest, good.Replace("\"dtype\": \"f16\"", "\"dtype\": \"f32\""), "expected F32");
        Damage(manifest, good.Replace("\"train_count\": 10", "\"train_count\": 11"), "splits.train.count is 10, expected 11");
        Damage(manifest, good.Replace("\"train.safetensors\"", "\"../train.safetensors\""), "is not a file name inside the dump");
        Damage(manifest, good.Replace("\"seed\": 7,", ""), "not a valid manifest");
        Damage(manifest, "{", "not a valid manifest");
        File.WriteAllText(manifest, good);

        string samples = Path.Combine(dir, "test.samples.jsonl");
        string[] lines = File.ReadAllLines(samples);
        Damage(samples, string.Join('\n', lines.Skip(1)) + "\n", "4 sample records, expected 5");
        Damage(samples, string.Join('\n', lines.Reverse()) + "\n", "test.samples.jsonl:2: sample record is inconsistent");
        Damage(samples, "{}\n", "test.samples.jsonl:1: not a valid sample record");
        File.WriteAllLines(samples, lines);

        string tensors = Path.Combine(dir, "train.safetensors");
        byte[] bytes = File.ReadAllBytes(tensors);
        File.WriteAllBytes(tensors, bytes[..^1]);
        Assert.Contains("outside the data area", Assert.Throws<DumpFormatException>(() => DumpReader.Open(dir)).Message);
        File.Delete(tensors);
        Assert.Contains("train.safetensors is missing", Assert.Throws<DumpFormatException>(() => DumpReader.Open(dir)).Message);

        void Damage(string path, string content, string problem)
        {
            File.WriteAllText(path, content);
            var e = Assert.Throws<DumpFormatException>(() => DumpReader.Open(dir));
            Assert.Contains(problem, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Rows_can_be_read_one_at_a_time_or_as_ranges()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        DumpFixture.WriteAll(dir, DumpFixture.Identity(dtype: LlamaJump.Dumps.Safetensors.TensorDtype.F32));
        using var reader = DumpReader.Open(dir);
        var test = reader.Split("test");
        var range = new float[3 * 4];
        test.ReadRows(2, 1, range);
        var row = new float[4];
        test.ReadRow(2, 2, row);
        Assert.Equal(range[4..8], row);
        Assert.Equal(DumpFixture.Hidden(DumpSplit.Test, test.Samples[2].SampleIndex, 2, 3), row[3]);
        Assert.Throws<ArgumentException>(() => test.ReadRow(2, 2, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.ReadRow(3, 0, row));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.ReadRow(0, 5, row));
    }
}
