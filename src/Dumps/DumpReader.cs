using System.Text.Json;
using LlamaJump.Dumps.Safetensors;

namespace LlamaJump.Dumps;

/// <summary>A complete dump opened for reading. <see cref="Open"/> validates everything it can without reading the
/// rows: the manifest, each split's safetensors file (tensors <c>h.0</c> … <c>h.{n_layer-1}</c>, each
/// [count, n_embd] of the manifest's dtype) and samples file (count records, increasing sample indices in the
/// manifest's shard, tokens = position + 1, ids below n_vocab). The sample records are loaded; the rows stay
/// memory-mapped.</summary>
public sealed class DumpReader : IDisposable
{
    private readonly DumpSplitReader[] _splits;

    private DumpReader(string directory, DumpManifest manifest, DumpSplitReader[] splits)
    {
        Directory = directory;
        Manifest = manifest;
        _splits = splits;
    }

    public string Directory { get; }
    public DumpManifest Manifest { get; }
    public DumpIdentity Identity => Manifest.Identity;

    public DumpSplitReader Split(DumpSplit split) => _splits[(int)split];

    /// <summary>The split called "train" or "test".</summary>
    public DumpSplitReader Split(string name) => Split(DumpSplitExtensions.ParseSplit(name));

    /// <summary>Opens the dump in <paramref name="directory"/>. Throws <see cref="DumpIncompleteException"/> for a
    /// dump in progress or interrupted, <see cref="DumpFormatException"/> for no dump or a damaged one (one-line
    /// messages naming the file).</summary>
    public static DumpReader Open(string directory)
    {
        var layout = new DumpLayout(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new DumpFormatException($"{directory} does not exist");
        if (!File.Exists(layout.Manifest))
        {
            if (File.Exists(layout.Plan))
                throw Incomplete(layout);
            throw new DumpFormatException($"{directory} holds no dump (no {DumpLayout.ManifestFile})");
        }
        DumpManifest manifest;
        try
        {
            manifest = DumpJson.ReadManifest(layout.Manifest);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new DumpFormatException($"{layout.Manifest}: not a valid manifest ({OneLine(e.Message)})", e);
        }
        CheckManifest(layout, manifest);

        var splits = new List<DumpSplitReader>();
        try
        {
            foreach (var split in DumpSplitExtensions.All)
                splits.Add(OpenSplit(layout, manifest, split));
            return new DumpReader(directory, manifest, [.. splits]);
        }
        catch
        {
            foreach (var split in splits)
                split.File.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var split in _splits)
            split.File.Dispose();
    }

    private static void CheckManifest(DumpLayout layout, DumpManifest manifest)
    {
        string where = layout.Manifest;
        if (manifest.Format != DumpManifest.FormatName)
            throw new DumpFormatException($"{where}: format is '{manifest.Format}', not '{DumpManifest.FormatName}'");
        if (manifest.Version != DumpManifest.CurrentVersion)
            throw new DumpFormatException(
                $"{where}: version {manifest.Version} is not the version {DumpManifest.CurrentVersion} this llamajump reads");
        var model = manifest.Identity.Model;
        if (model.NLayer < 1 || model.NEmbd < 1 || model.NVocab < 1)
            throw new DumpFormatException($"{where}: n_layer, n_embd and n_vocab must be positive");
        if (manifest.Identity.TrainCount < 0 || manifest.Identity.TestCount < 0)
            throw new DumpFormatException($"{where}: negative sample counts");
        foreach (var split in DumpSplitExtensions.All)
        {
            var info = manifest.Splits.Of(split);
            int expected = manifest.Identity.LocalCountOf(split);
            if (info.Count != expected)
                throw new DumpFormatException($"{where}: splits.{split.Name()}.count is {info.Count}, expected {expected}");
            foreach (string file in new[] { info.File, info.Samples })
            {
                if (file.Length == 0 || file != Path.GetFileName(file) || file is "." or "..")
                    throw new DumpFormatException($"{where}: '{file}' is not a file name inside the dump");
            }
        }
    }

    private static DumpSplitReader OpenSplit(DumpLayout layout, DumpManifest manifest, DumpSplit split)
    {
        var info = manifest.Splits.Of(split);
        string path = Path.Combine(layout.Directory, info.File);
        if (!File.Exists(path))
            throw new DumpFormatException($"{path} is missing");
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(path);
        }
        catch (SafetensorsFormatException e)
        {
            throw new DumpFormatException($"{path}: {e.Problem}", e);
        }
        try
        {
            var blocks = CheckTensors(path, file, manifest, info.Count);
            var samples = ReadSamples(Path.Combine(layout.Directory, info.Samples), manifest, info.Count);
            return new DumpSplitReader(split, file, blocks, manifest.Identity.Model.NEmbd, manifest.Identity.Dtype, samples);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static SafetensorsTensor[] CheckTensors(string path, SafetensorsFile file, DumpManifest manifest, int count)
    {
        int nLayer = manifest.Identity.Model.NLayer, nEmbd = manifest.Identity.Model.NEmbd;
        if (file.Tensors.Count != nLayer)
            throw new DumpFormatException($"{path}: {file.Tensors.Count} tensors, expected one per block ({nLayer})");
        var blocks = new SafetensorsTensor[nLayer];
        for (int block = 0; block < nLayer; block++)
        {
            string name = DumpLayout.TensorName(block);
            var tensor = file.Find(name) ?? throw new DumpFormatException($"{path}: tensor {name} is missing");
            if (tensor.Dtype != manifest.Identity.Dtype || tensor.Shape.Count != 2 || tensor.Shape[0] != count || tensor.Shape[1] != nEmbd)
                throw new DumpFormatException(
                    $"{path}: tensor {name} is {tensor.Dtype} [{string.Join(", ", tensor.Shape)}], expected {manifest.Identity.Dtype} [{count}, {nEmbd}]");
            blocks[block] = tensor;
        }
        return blocks;
    }

    private static List<DumpSample> ReadSamples(string path, DumpManifest manifest, int count)
    {
        if (!File.Exists(path))
            throw new DumpFormatException($"{path} is missing");
        var samples = new List<DumpSample>(count);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            DumpSample sample;
            try
            {
                sample = DumpJson.ParseSample(System.Text.Encoding.UTF8.GetBytes(line));
            }
            catch (JsonException e)
            {
                throw new DumpFormatException($"{path}:{lineNumber}: not a valid sample record ({OneLine(e.Message)})", e);
            }
            var planned = new PlannedSample(sample.SampleIndex, sample.SentenceIndex, sample.Position);
            bool ordered = samples.Count == 0 || sample.SampleIndex > samples[^1].SampleIndex;
            bool inShard = manifest.Identity.Shard?.Contains(sample.SampleIndex) ?? true;
            if (!ordered || !inShard || sample.SampleIndex < 0 || sample.Position < 1
                || !DumpSplitWriter.Matches(sample, planned, manifest.Identity))
                throw new DumpFormatException($"{path}:{lineNumber}: sample record is inconsistent with the manifest");
            samples.Add(sample);
        }
        if (samples.Count != count)
            throw new DumpFormatException($"{path}: {samples.Count} sample records, expected {count}");
        return samples;
    }

    private static DumpIncompleteException Incomplete(DumpLayout layout)
    {
        int total = 0, completed = 0;
        try
        {
            var state = DumpJson.ReadProgress(layout.Plan);
            total = state.Train.Length + state.Test.Length;
            foreach (var split in DumpSplitExtensions.All)
                completed += DumpJournal.Peek(layout.Journal(split)).Select(s => s.SampleIndex).Distinct().Count();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            // Still incomplete; the counts stay unknown (0 of 0).
        }
        return new DumpIncompleteException(layout.Directory, completed, total);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
