using System.Text.Json.Serialization;

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
/// directory with a manifest holds a complete dump. Serialized as one flat snake_case JSON object (see FORMAT.md,
/// <see cref="DumpManifestConverter"/>): <c>format</c> ("llamajump-dump"), <c>version</c> (1), the fields of
/// <see cref="Identity"/> — <c>model</c>, <c>corpus</c>, <c>seed</c>, <c>position</c> ("random" | "last"),
/// <c>dtype</c> ("f16" | "f32"), <c>train_count</c> and <c>test_count</c> (of the whole dump, all shards together),
/// <c>shard</c> (null or {index, count}) — and <c>splits</c> (what this directory holds).</summary>
[JsonConverter(typeof(DumpManifestConverter))]
public sealed record DumpManifest(string Format, int Version, DumpIdentity Identity, DumpSplitsInfo Splits)
{
    public const string FormatName = "llamajump-dump";
    public const int CurrentVersion = 1;

    /// <summary>The manifest of a dump of <paramref name="identity"/> with the standard file names.</summary>
    public static DumpManifest For(DumpIdentity identity) => new(FormatName, CurrentVersion, identity,
        new DumpSplitsInfo(SplitInfo(identity, DumpSplit.Train), SplitInfo(identity, DumpSplit.Test)));

    private static DumpSplitInfo SplitInfo(DumpIdentity identity, DumpSplit split) => new(
        identity.LocalCountOf(split), DumpLayout.SafetensorsFileName(split), DumpLayout.SamplesFileName(split));
}
