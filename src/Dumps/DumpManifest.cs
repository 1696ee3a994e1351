using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Dumps;

/// <summary>One split's files in a dump: <see cref="Count"/> rows in <see cref="File"/> (a safetensors file) and
/// as many lines in <see cref="Samples"/> (JSON lines of <see cref="DumpSample"/>). Names are relative to the dump
/// directory.</summary>
public sealed record DumpSplitInfo(int Count, string File, string Samples);

/// <summary>The two splits of a dump, as manifest.json's <c>splits</c> object.</summary>
public sealed record DumpSplitsInfo(DumpSplitInfo Train, DumpSplitInfo Test)
{
    public DumpSplitInfo Of(DumpSplit split) => split == DumpSplit.Train ? Train : Test;
}

/// <summary>manifest.json, the dump's description and its commit point: it is written last, atomically, so a
/// directory with a manifest holds a complete dump. Serialized as snake_case JSON (see FORMAT.md):
/// <c>format</c> ("llamajump-dump"), <c>version</c> (1), <c>model</c>, <c>corpus</c>, <c>seed</c>,
/// <c>position</c> ("random" | "last"), <c>dtype</c> ("f16" | "f32"), <c>train_count</c> and <c>test_count</c>
/// (of the whole dump, all shards together), <c>shard</c> (null or {index, count}) and <c>splits</c> (what this
/// directory holds).</summary>
public sealed record DumpManifest(
    string Format,
    int Version,
    DumpModelInfo Model,
    DumpCorpusInfo Corpus,
    ulong Seed,
    PositionPolicy Position,
    TensorDtype Dtype,
    int TrainCount,
    int TestCount,
    ShardSpec? Shard,
    DumpSplitsInfo Splits)
{
    public const string FormatName = "llamajump-dump";
    public const int CurrentVersion = 1;

    [System.Text.Json.Serialization.JsonIgnore]
    public DumpIdentity Identity => new(Model, Corpus, Seed, Position, Dtype, TrainCount, TestCount, Shard);

    /// <summary>The manifest of a dump of <paramref name="identity"/> with the standard file names.</summary>
    public static DumpManifest For(DumpIdentity identity) => new(
        FormatName, CurrentVersion, identity.Model, identity.Corpus, identity.Seed, identity.Position, identity.Dtype,
        identity.TrainCount, identity.TestCount, identity.Shard,
        new DumpSplitsInfo(SplitInfo(identity, DumpSplit.Train), SplitInfo(identity, DumpSplit.Test)));

    private static DumpSplitInfo SplitInfo(DumpIdentity identity, DumpSplit split) => new(
        identity.LocalCountOf(split), DumpLayout.SafetensorsFileName(split), DumpLayout.SamplesFileName(split));
}
