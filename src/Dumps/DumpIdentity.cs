using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Dumps;

/// <summary>Everything that decides a dump's content. Two dumps are the same dump when they agree on the model
/// SHA-256, corpus SHA-256, seed, position policy, dtype, the split counts and the shard — see
/// <see cref="Differences"/>; file names and the other informational fields may differ.
/// <see cref="TrainCount"/> and <see cref="TestCount"/> count the whole dump (all shards together).</summary>
public sealed record DumpIdentity(
    DumpModelInfo Model,
    DumpCorpusInfo Corpus,
    ulong Seed,
    PositionPolicy Position,
    TensorDtype Dtype,
    int TrainCount,
    int TestCount,
    ShardSpec? Shard)
{
    /// <summary>Samples of <paramref name="split"/> in the whole dump (all shards).</summary>
    public int CountOf(DumpSplit split) => split == DumpSplit.Train ? TrainCount : TestCount;

    /// <summary>Samples of <paramref name="split"/> in this directory: the shard's share, or all of them.</summary>
    public int LocalCountOf(DumpSplit split) => Shard?.CountOf(CountOf(split)) ?? CountOf(split);

    /// <summary>The identity fields in which <paramref name="other"/> differs, each as "field (this → other)";
    /// empty when both describe the same dump.</summary>
    public IReadOnlyList<string> Differences(DumpIdentity other)
    {
        var differences = new List<string>();
        Compare("model", Short(Model.Sha256), Short(other.Model.Sha256));
        Compare("corpus", Short(Corpus.Sha256), Short(other.Corpus.Sha256));
        Compare("seed", Seed.ToString(), other.Seed.ToString());
        Compare("position", Position.Name(), other.Position.Name());
        Compare("dtype", Dtype.LowerName(), other.Dtype.LowerName());
        Compare("train count", TrainCount.ToString(), other.TrainCount.ToString());
        Compare("test count", TestCount.ToString(), other.TestCount.ToString());
        Compare("shard", Shard?.ToString() ?? "none", other.Shard?.ToString() ?? "none");
        return differences;

        void Compare(string field, string mine, string theirs)
        {
            if (mine != theirs)
                differences.Add($"{field} ({mine} → {theirs})");
        }
    }

    /// <summary>"stories260K.gguf (sha256 1a2b3c4d…) with seed 1", for messages.</summary>
    public string Describe() => $"{Model.File} (sha256 {Short(Model.Sha256)}) with seed {Seed}";

    private static string Short(string sha256) => sha256.Length > 8 ? sha256[..8] + "…" : sha256;
}
