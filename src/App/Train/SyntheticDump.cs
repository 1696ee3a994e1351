using System.Security.Cryptography;
using System.Text;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.App.Train;

/// <summary>
/// Writes a dump of made-up hidden states of any shape — for measuring training at the size of a model one does not
/// have (<c>llamajump train synthetic-dump --layers 32 --hidden 4096 --train 9000</c> is Llama2-7B's shape). Sample i
/// has a latent z_i (<see cref="Latent"/> numbers, seeded per sample); the final block's row is z_i·W for one fixed
/// random W [latent × H], and block b's row mixes it with noise, (b+1)/L · z_i·W + (1 − (b+1)/L) · noise, so deeper
/// blocks are closer to the target and the jumps have something to learn. The "model" and "corpus" are named
/// synthetic, with hashes of the shape and seed as their identity.
/// </summary>
public static class SyntheticDump
{
    public const int Latent = 64;
    private const int Vocab = 32;
    private const int TokensPerSentence = 8;
    private const int BatchSamples = 64;

    public static DumpManifest Write(string directory, int layers, int hidden, int train, int test, ulong seed, TensorDtype dtype,
        bool force, TextWriter log, CancellationToken cancellation)
    {
        string name = $"synthetic-{layers}x{hidden}-seed{seed}";
        var identity = new DumpIdentity(
            new DumpModelInfo(name + ".gguf", Sha256(name), "synthetic", layers, hidden, Vocab),
            new DumpCorpusInfo(name + ".txt", Sha256(name + ".txt"), false, train + test, train + test, 0, 0, 0, 0),
            seed, PositionPolicy.Random, dtype, train, test, Shard: null);
        var selection = SampleSelection.Create(train + test, train, test, seed, allowFewer: false);
        var plan = DumpPlan.Create(selection, null, PositionPolicy.Random, seed, _ => TokensPerSentence);
        int latent = Math.Min(Latent, hidden);
        var w = Uniform(latent * hidden, Math.Sqrt(3.0 / latent), SplitMix64.Mix(seed ^ 0x5EED));

        using var writer = DumpWriter.OpenOrResume(directory, identity, plan, force);
        if (writer.AlreadyComplete)
        {
            log.WriteLine($"synthetic-dump: {directory} already holds this dump");
            return writer.Complete();
        }
        long total = writer.TotalCount - writer.CompletedCount, done = 0;
        var progress = new ProgressReporter(log, "synthetic-dump", total, "samples");
        foreach (var split in DumpSplitExtensions.All)
        {
            foreach (var batch in writer.Remaining(split).Chunk(BatchSamples))
            {
                cancellation.ThrowIfCancellationRequested();
                var hiddenStates = new float[(long)layers * batch.Length * hidden];
                Parallel.For(0, batch.Length, i => Fill(hiddenStates, batch.Length, i, layers, hidden, latent, w,
                    SplitMix64.Mix(SampleSeed.ForSample(seed, split, batch[i].SampleIndex))));
                var results = batch.Select(s => new DumpSampleResult(
                    [1, .. Enumerable.Range(0, s.Position).Select(j => 2 + (s.SentenceIndex + j) % (Vocab - 2))], 0, -1f, false)).ToList();
                writer.WriteBatch(split, batch.Select(s => s.SampleIndex).ToArray(), hiddenStates, results);
                done += batch.Length;
                progress.Advance(batch.Length);
            }
        }
        progress.Finish();
        log.WriteLine($"synthetic-dump: wrote {done} samples ({layers} blocks × n_embd {hidden}, {dtype.LowerName()})");
        return writer.Complete();
    }

    /// <summary>Sample i of a batch of <paramref name="count"/>: layout [block][batch][H].</summary>
    private static void Fill(float[] hiddenStates, int count, int i, int layers, int hidden, int latent, float[] w, ulong seed)
    {
        var random = new SplitMix64(seed);
        var target = new float[hidden];
        for (int j = 0; j < latent; j++)
        {
            float z = NextUniform(ref random);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(w.AsSpan(j * hidden, hidden), z, target, target);
        }
        for (int block = 0; block < layers; block++)
        {
            float mix = (block + 1f) / layers;
            var row = hiddenStates.AsSpan((block * count + i) * hidden, hidden);
            for (int e = 0; e < hidden; e++)
                row[e] = mix * target[e] + (1 - mix) * NextUniform(ref random);
        }
    }

    /// <summary>Uniform in [−√3, √3): mean 0, variance 1.</summary>
    private static float NextUniform(ref SplitMix64 random) => (float)(((random.Next() >> 40) * (1.0 / (1 << 24)) * 2 - 1) * 1.7320508075688772);

    private static float[] Uniform(int count, double bound, ulong seed)
    {
        var random = new SplitMix64(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(NextUniform(ref random) / 1.7320508075688772 * bound);
        return values;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
