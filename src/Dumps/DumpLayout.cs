namespace LlamaJump.Dumps;

/// <summary>Where everything lives in a dump directory (see FORMAT.md):
/// <code>
/// manifest.json                 written last: a dump is complete exactly when it exists
/// train.safetensors             h.0 … h.{L-1}, each [count, n_embd]; train.safetensors.tmp while in progress
/// train.samples.jsonl           one JSON record per row, in row order
/// test.safetensors, test.samples.jsonl
/// dump.lock                     held (flock) by the one writer; removed when it closes
/// progress/plan.json            while in progress: the identity and the planned samples
/// progress/train.journal.jsonl  while in progress: records of the samples whose rows are durable
/// </code></summary>
public sealed class DumpLayout(string directory)
{
    public const string ManifestFile = "manifest.json";
    public const string LockFile = "dump.lock";
    public const string ProgressDirectory = "progress";

    /// <summary>The directory as given (used in messages).</summary>
    public string Directory { get; } = directory;

    public string Manifest => Path.Combine(Directory, ManifestFile);
    public string Lock => Path.Combine(Directory, LockFile);
    public string Progress => Path.Combine(Directory, ProgressDirectory);
    public string Plan => Path.Combine(Progress, "plan.json");

    /// <summary>The final safetensors file of a split; <see cref="Safetensors.SafetensorsWriter.TempPathFor"/> gives
    /// the in-progress name.</summary>
    public string Safetensors(DumpSplit split) => Path.Combine(Directory, SafetensorsFileName(split));

    public string Samples(DumpSplit split) => Path.Combine(Directory, SamplesFileName(split));

    public string Journal(DumpSplit split) => Path.Combine(Progress, $"{split.Name()}.journal.jsonl");

    public static string SafetensorsFileName(DumpSplit split) => $"{split.Name()}.safetensors";

    public static string SamplesFileName(DumpSplit split) => $"{split.Name()}.samples.jsonl";

    /// <summary>The tensor holding the output of block <paramref name="block"/>: "h.0" … "h.{L-1}".</summary>
    public static string TensorName(int block) => $"h.{block}";

    /// <summary>Whether a top-level entry of a dump directory is one this library writes (final or temporary).
    /// Anything else is a foreign file that is never deleted.</summary>
    public static bool IsOwnEntry(string name) =>
        name is ManifestFile or LockFile or ProgressDirectory or "manifest.json.tmp"
        || DumpSplitExtensions.All.Any(split =>
            name == SafetensorsFileName(split) || name == SafetensorsFileName(split) + ".tmp"
            || name == SamplesFileName(split) || name == SamplesFileName(split) + ".tmp");
}
