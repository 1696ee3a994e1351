using System.Text;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class DumpWriterTests
{
    [Theory]
    [InlineData(TensorDtype.F16)]
    [InlineData(TensorDtype.F32)]
    public void A_complete_dump_reads_back_with_its_records(TensorDtype dtype)
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        var identity = DumpFixture.Identity(dtype: dtype);
        var manifest = DumpFixture.WriteAll(dir, identity);

        Assert.Equal(identity, manifest.Identity);
        Assert.Equal(["manifest.json", "test.safetensors", "test.samples.jsonl", "train.safetensors", "train.samples.jsonl"],
            Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        using var reader = DumpReader.Open(dir);
        var plan = DumpFixture.Plan(identity);
        foreach (var split in DumpSplitExtensions.All)
        {
            var data = reader.Split(split);
            Assert.Equal((identity.CountOf(split), 3, 4), (data.Count, data.NLayer, data.NEmbd));
            Assert.Equal(plan.Of(split), data.Samples.Select(s => new PlannedSample(s.SampleIndex, s.SentenceIndex, s.Position)));
            for (int row = 0; row < data.Count; row++)
            {
                var expected = DumpFixture.Result(plan.Of(split)[row]);
                Assert.Equal(expected.Tokens, data.Samples[row].Tokens);
                Assert.Equal((expected.Top1, expected.Top1Logprob, expected.Truncated),
                    (data.Samples[row].Top1, data.Samples[row].Top1Logprob, data.Samples[row].Truncated));
            }
            for (int block = 0; block < 3; block++)
            {
                float[] values = data.ReadBlock(block);
                for (int row = 0; row < data.Count; row++)
                    for (int i = 0; i < 4; i++)
                    {
                        float value = DumpFixture.Hidden(split, data.Samples[row].SampleIndex, block, i);
                        Assert.Equal(dtype == TensorDtype.F16 ? (float)(Half)value : value, values[row * 4 + i]);
                    }
            }
        }
    }

    [Fact]
    public void Manifest_is_snake_case_json_with_the_documented_fields()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        DumpFixture.WriteAll(dir, DumpFixture.Identity(shard: new ShardSpec(2, 3)));
        string json = File.ReadAllText(Path.Combine(dir, "manifest.json"));
        foreach (string field in new[]
                 {
                     "\"format\": \"llamajump-dump\"", "\"version\": 1", "\"n_layer\": 3", "\"n_embd\": 4", "\"n_vocab\": 50",
                     "\"looks_like_wikitext\": false", "\"invalid_bytes_replaced\": 0", "\"seed\": 7", "\"position\": \"random\"",
                     "\"dtype\": \"f16\"", "\"train_count\": 10", "\"shard\": {", "\"index\": 2", "\"count\": 3",
                     "\"file\": \"train.safetensors\"", "\"samples\": \"train.samples.jsonl\"",
                 })
            Assert.Contains(field, json);
        string line = File.ReadLines(Path.Combine(dir, "train.samples.jsonl")).First();
        Assert.Matches("""^\{"sample_index":1,"sentence_index":\d+,"position":\d+,"tokens":\[1(,\d+)+\],"top1":\d+,"top1_logprob":-?[\d.]+,"truncated":(true|false)\}$""", line);
    }

    [Fact]
    public void Resume_after_a_crash_writes_only_the_rest_and_ends_identical()
    {
        using var temp = new TempDirectory();
        var identity = DumpFixture.Identity();
        string reference = Path.Combine(temp.Root, "reference");
        DumpFixture.WriteAll(reference, identity);

        string dir = Path.Combine(temp.Root, "out");
        var plan = DumpFixture.Plan(identity);
        using (var writer = DumpWriter.OpenOrResume(dir, identity, plan, force: false))
        {
            DumpFixture.Write(writer, DumpSplit.Train, plan.Train.Take(4), batchSize: 2);
            DumpFixture.Write(writer, DumpSplit.Test, plan.Test.Skip(3), batchSize: 5);
            // Simulate a crash in the middle of the next batch: its rows are partly on disk, its journal line torn.
            CorruptRowsOf(dir, DumpSplit.Train, rows: [4, 5]);
            File.AppendAllText(Path.Combine(dir, "progress", "train.journal.jsonl"), "{\"sample_index\":" + plan.Train[4].SampleIndex);
        } // disposed without Complete: the process "died"

        Assert.False(File.Exists(Path.Combine(dir, "manifest.json")));
        Assert.False(File.Exists(Path.Combine(dir, "train.safetensors")));
        Assert.True(File.Exists(Path.Combine(dir, "train.safetensors.tmp")));
        var incomplete = Assert.Throws<DumpIncompleteException>(() => DumpReader.Open(dir));
        Assert.Equal($"{dir} is an incomplete dump (6 of 15 samples); rerun the same dump command to resume", incomplete.Message);

        using (var writer = DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), force: false))
        {
            Assert.True(writer.Resumed);
            Assert.Equal(plan.Train.Skip(4), writer.Remaining(DumpSplit.Train));
            Assert.Equal(plan.Test.Take(3), writer.Remaining(DumpSplit.Test));
            // Out of order, odd batch sizes: the bytes must not depend on it.
            DumpFixture.Write(writer, DumpSplit.Train, writer.Remaining(DumpSplit.Train).Reverse(), batchSize: 4);
            DumpFixture.Write(writer, DumpSplit.Test, writer.Remaining(DumpSplit.Test), batchSize: 1);
            writer.Complete();
        }
        DumpFixture.AssertSameBytes(reference, dir);
        Assert.False(Directory.Exists(Path.Combine(dir, "progress")));
        Assert.False(File.Exists(Path.Combine(dir, "dump.lock")));
    }

    [Fact]
    public void Resume_after_a_crash_inside_complete_finishes_the_same_dump()
    {
        using var temp = new TempDirectory();
        var identity = DumpFixture.Identity();
        string reference = Path.Combine(temp.Root, "reference");
        DumpFixture.WriteAll(reference, identity);

        string dir = Path.Combine(temp.Root, "out");
        using (var writer = DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), force: false))
        {
            foreach (var split in DumpSplitExtensions.All)
                DumpFixture.Write(writer, split, writer.Remaining(split), batchSize: 3);
        }
        // As if Complete had renamed the train file and then died before the manifest.
        File.Move(Path.Combine(dir, "train.safetensors.tmp"), Path.Combine(dir, "train.safetensors"));

        using (var writer = DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), force: false))
        {
            Assert.Empty(writer.Remaining(DumpSplit.Train));
            Assert.Empty(writer.Remaining(DumpSplit.Test));
            writer.Complete();
        }
        DumpFixture.AssertSameBytes(reference, dir);
    }

    [Fact]
    public void A_complete_identical_dump_has_nothing_to_do()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        var identity = DumpFixture.Identity();
        var first = DumpFixture.WriteAll(dir, identity);
        byte[] before = File.ReadAllBytes(Path.Combine(dir, "train.safetensors"));

        using var writer = DumpWriter.OpenOrResume(dir, identity with { Model = identity.Model with { File = "renamed.gguf" } },
            DumpFixture.Plan(identity), force: false);
        Assert.True(writer.AlreadyComplete);
        Assert.Empty(writer.Remaining(DumpSplit.Train));
        Assert.Equal(writer.TotalCount, writer.CompletedCount);
        Assert.Equal(first, writer.Complete());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "train.safetensors")));
    }

    [Fact]
    public void Another_identity_is_refused_and_force_replaces_it()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        DumpFixture.WriteAll(dir, DumpFixture.Identity(seed: 1, modelSha: "1a2b3c4d5e" + new string('0', 54)));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var other = DumpFixture.Identity(seed: 2);

        var e = Assert.Throws<DumpMismatchException>(() => DumpWriter.OpenOrResume(dir, other, DumpFixture.Plan(other), force: false));
        Assert.Equal(
            $"{dir} holds a dump of tiny.gguf (sha256 1a2b3c4d…) with seed 1; this run differs in model (1a2b3c4d… → aaaaaaaa…), seed (1 → 2); use --force to replace it or choose another --out",
            e.Message);

        string reference = Path.Combine(temp.Root, "reference");
        DumpFixture.WriteAll(reference, other);
        DumpFixture.WriteAll(dir, other, force: true);
        DumpFixture.AssertSameBytes(reference, dir);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "notes.txt"))); // never deletes what it did not write
    }

    [Fact]
    public void An_interrupted_dump_of_another_identity_is_refused_unless_forced()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        var first = DumpFixture.Identity(dtype: TensorDtype.F32);
        using (var writer = DumpWriter.OpenOrResume(dir, first, DumpFixture.Plan(first), force: false))
            DumpFixture.Write(writer, DumpSplit.Train, writer.Remaining(DumpSplit.Train).Take(2), batchSize: 2);

        var second = DumpFixture.Identity();
        var e = Assert.Throws<DumpMismatchException>(() => DumpWriter.OpenOrResume(dir, second, DumpFixture.Plan(second), false));
        Assert.Contains("holds an interrupted dump of tiny.gguf", e.Message);
        Assert.Contains("dtype (f32 → f16)", e.Message);

        using var forced = DumpWriter.OpenOrResume(dir, second, DumpFixture.Plan(second), force: true);
        Assert.False(forced.Resumed);
        Assert.Equal(10, forced.Remaining(DumpSplit.Train).Count);
    }

    [Fact]
    public void A_directory_with_other_files_is_never_used()
    {
        using var temp = new TempDirectory();
        string dir = temp.Dir("out");
        File.WriteAllText(Path.Combine(dir, "thesis.tex"), "precious");
        var identity = DumpFixture.Identity();
        foreach (bool force in new[] { false, true })
        {
            var e = Assert.Throws<DumpMismatchException>(() => DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), force));
            Assert.Equal($"{dir} is not empty and holds no llamajump dump (it has thesis.tex); choose another --out", e.Message);
        }
        Assert.Equal("precious", File.ReadAllText(Path.Combine(dir, "thesis.tex")));
    }

    [Fact]
    public void A_second_writer_is_locked_out_until_the_first_closes()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        var identity = DumpFixture.Identity();
        using (DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), force: false))
        {
            var e = Assert.Throws<DumpLockedException>(() => DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), true));
            Assert.StartsWith($"{dir} is being written by another llamajump process", e.Message);
        }
        using var again = DumpWriter.OpenOrResume(dir, identity, DumpFixture.Plan(identity), force: false);
        Assert.True(again.Resumed);
    }

    [Fact]
    public void Bad_batches_are_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        var identity = DumpFixture.Identity();
        var plan = DumpFixture.Plan(identity);
        using var writer = DumpWriter.OpenOrResume(dir, identity, plan, force: false);
        var sample = plan.Train[0];
        var good = DumpFixture.Result(sample);

        Assert.Throws<ArgumentException>(() => writer.WriteBatch(DumpSplit.Train, [sample.SampleIndex], new float[11], [good]));
        Assert.Throws<ArgumentException>(() => writer.WriteBatch(DumpSplit.Train, [999], new float[12], [good]));
        Assert.Throws<ArgumentException>(() =>
            writer.WriteBatch(DumpSplit.Train, [sample.SampleIndex], new float[12], [good with { Tokens = [1, 2] }]));
        Assert.Throws<ArgumentException>(() =>
            writer.WriteBatch(DumpSplit.Train, [sample.SampleIndex], new float[12], [good with { Top1 = 50 }]));
        Assert.Throws<ArgumentException>(() =>
            writer.WriteBatch(DumpSplit.Train, [sample.SampleIndex], new float[12], [good with { Top1Logprob = float.NaN }]));

        writer.WriteBatch(DumpSplit.Train, [sample.SampleIndex], new float[12], [good]);
        Assert.Throws<ArgumentException>(() => writer.WriteBatch(DumpSplit.Train, [sample.SampleIndex], new float[12], [good]));
        Assert.Contains("not written yet", Assert.Throws<InvalidOperationException>(() => writer.Complete()).Message);
    }

    [Fact]
    public void A_plan_that_does_not_fit_the_identity_is_a_programming_error()
    {
        using var temp = new TempDirectory();
        var identity = DumpFixture.Identity(shard: new ShardSpec(1, 2));
        var unsharded = DumpFixture.Plan(DumpFixture.Identity());
        Assert.Throws<ArgumentException>(() => DumpWriter.OpenOrResume(Path.Combine(temp.Root, "out"), identity, unsharded, false));
    }

    /// <summary>Writes garbage over the given rows of every block of the split's in-progress file.</summary>
    private static void CorruptRowsOf(string dir, DumpSplit split, int[] rows)
    {
        string path = Path.Combine(dir, $"{split.Name()}.safetensors.tmp");
        byte[] bytes = File.ReadAllBytes(path);
        long headerEnd = 8 + (long)BitConverter.ToUInt64(bytes, 0);
        int rowBytes = 4 * 2, count = 10;
        for (int block = 0; block < 3; block++)
            foreach (int row in rows)
                Encoding.ASCII.GetBytes("GARBAGE!").CopyTo(bytes, headerEnd + (block * count + row) * rowBytes);
        File.WriteAllBytes(path, bytes);
    }
}
