using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Tests.Pure.Dumps;

/// <summary>A small synthetic dump: 40 fake sentences, a tiny model (3 blocks × 4 floats, vocab 50), hidden values
/// and results that depend only on (split, sample index), so any order of writing, any sharding and any resume
/// must give the same bytes.</summary>
internal static class DumpFixture
{
    public const int Sentences = 40;

    public static DumpIdentity Identity(ulong seed = 7, int train = 10, int test = 5, ShardSpec? shard = null,
        TensorDtype dtype = TensorDtype.F16, int nLayer = 3, int nEmbd = 4, string modelSha = "") =>
        new(new DumpModelInfo("tiny.gguf", modelSha.Length > 0 ? modelSha : new string('a', 64), "llama", nLayer, nEmbd, 50),
            new DumpCorpusInfo("corpus.txt", new string('c', 64), false, Sentences, 44, 0, 0, 0, 3),
            seed, PositionPolicy.Random, dtype, train, test, shard);

    /// <summary>Sentence s has 6 + s % 7 tokens with BOS.</summary>
    public static int TokenCount(int sentence) => 6 + sentence % 7;

    public static DumpPlan Plan(DumpIdentity identity)
    {
        var selection = SampleSelection.Create(Sentences, identity.TrainCount, identity.TestCount, identity.Seed, allowFewer: false);
        return DumpPlan.Create(selection, identity.Shard, identity.Position, identity.Seed, TokenCount);
    }

    public static float Hidden(DumpSplit split, int sampleIndex, int block, int i) =>
        (float)Math.Sin(1.0 + sampleIndex * 0.37 + block * 1.91 + i * 0.13 + (int)split * 5.0) * (block + 1) * 3;

    public static DumpSampleResult Result(PlannedSample sample) => new(
        [1, .. Enumerable.Range(0, sample.Position).Select(j => (sample.SentenceIndex * 31 + j * 7) % 50)],
        (sample.SampleIndex * 7 + 3) % 50,
        -0.125f * (sample.SampleIndex % 13) - 0.01f,
        sample.SampleIndex % 5 == 0);

    /// <summary>Writes <paramref name="samples"/> of <paramref name="split"/> in batches of <paramref name="batchSize"/>,
    /// building hidden as [block][batch][n_embd].</summary>
    public static void Write(DumpWriter writer, DumpSplit split, IEnumerable<PlannedSample> samples, int batchSize)
    {
        int nLayer = writer.Identity.Model.NLayer, nEmbd = writer.Identity.Model.NEmbd;
        foreach (var batch in samples.Chunk(batchSize))
        {
            var hidden = new float[nLayer * batch.Length * nEmbd];
            for (int block = 0; block < nLayer; block++)
                for (int k = 0; k < batch.Length; k++)
                    for (int i = 0; i < nEmbd; i++)
                        hidden[(block * batch.Length + k) * nEmbd + i] = Hidden(split, batch[k].SampleIndex, block, i);
            writer.WriteBatch(split, batch.Select(s => s.SampleIndex).ToArray(), hidden, batch.Select(Result).ToList());
        }
    }

    /// <summary>Writes the whole dump of <paramref name="identity"/> into <paramref name="directory"/>.</summary>
    public static DumpManifest WriteAll(string directory, DumpIdentity identity, int batchSize = 3, bool force = false)
    {
        using var writer = DumpWriter.OpenOrResume(directory, identity, Plan(identity), force);
        foreach (var split in DumpSplitExtensions.All)
            Write(writer, split, writer.Remaining(split), batchSize);
        return writer.Complete();
    }

    /// <summary>The files of a complete dump whose bytes define it.</summary>
    public static readonly string[] DumpFiles =
        ["manifest.json", "train.safetensors", "test.safetensors", "train.samples.jsonl", "test.samples.jsonl"];

    /// <summary>Asserts every file of two complete dumps is byte-identical.</summary>
    public static void AssertSameBytes(string expectedDirectory, string actualDirectory)
    {
        foreach (string file in DumpFiles)
            Assert.True(File.ReadAllBytes(Path.Combine(expectedDirectory, file))
                    .AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualDirectory, file))),
                $"{file} differs between {expectedDirectory} and {actualDirectory}");
    }
}
