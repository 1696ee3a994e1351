using System.Text;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// An <see cref="IEvalLevelStore"/> in a directory: one file per finished level, <c>level-NNN.bin</c>, each written
/// to a temporary name, flushed to disk and renamed, so a file is either whole or absent. Every file carries the
/// fingerprint of the inputs it was computed from; a file of other inputs, or one that does not read back, is not
/// used (and is deleted when the directory is opened). <see cref="Delete"/> removes the directory once the results
/// are written. Not thread-safe: one evaluation at a time (the caller holds the output's lock).
/// <para>Layout of a file, little-endian: the magic <c>LJEVPRG1</c>, the fingerprint (a length-prefixed UTF-8
/// string), the level, the key count n, n keys, n row counts, n hit counts (int64), n surprisal sums (float64), then
/// for OJFA and for N-NJTC a flag byte and, when set, the sample count s, s top probabilities (float32) and s argmax
/// ids; then head vectors (int64), head seconds and seconds (float64) and the magic again.</para>
/// </summary>
public sealed class EvalProgressDirectory : IEvalLevelStore
{
    private static readonly byte[] Magic = "LJEVPRG1"u8.ToArray();

    private readonly string _fingerprint;

    private EvalProgressDirectory(string directory, string fingerprint)
    {
        Directory = directory;
        _fingerprint = fingerprint;
    }

    public string Directory { get; }

    /// <summary>Levels kept from an earlier run of the same inputs when the directory was opened.</summary>
    public int Kept { get; private set; }

    /// <summary>Files of other inputs (or unreadable) deleted when the directory was opened.</summary>
    public int Discarded { get; private set; }

    /// <summary>Opens (creating it if needed) the progress directory for inputs with <paramref name="fingerprint"/>,
    /// deleting what is there for other inputs.</summary>
    public static EvalProgressDirectory Open(string directory, string fingerprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        System.IO.Directory.CreateDirectory(directory);
        var store = new EvalProgressDirectory(directory, fingerprint);
        foreach (string path in System.IO.Directory.EnumerateFiles(directory))
        {
            if (Path.GetFileName(path).StartsWith("level-", StringComparison.Ordinal) && path.EndsWith(".bin", StringComparison.Ordinal)
                && store.TryRead(path) is not null)
            {
                store.Kept++;
                continue;
            }
            File.Delete(path);
            store.Discarded++;
        }
        return store;
    }

    public EvalLevelState? Read(int level)
    {
        string path = PathOf(level);
        return File.Exists(path) && TryRead(path) is { } state && state.Level == level ? state : null;
    }

    public void Write(EvalLevelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string path = PathOf(state.Level), temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                    WriteState(writer, state);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            File.Delete(temporary); // a full disk leaves no partial file behind
            throw;
        }
    }

    /// <summary>Removes the directory and everything in it (the evaluation finished and its results are written).</summary>
    public void Delete()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string PathOf(int level) => Path.Combine(Directory, $"level-{level:D3}.bin");

    private void WriteState(BinaryWriter writer, EvalLevelState state)
    {
        writer.Write(Magic);
        writer.Write(_fingerprint);
        writer.Write(state.Level);
        writer.Write(state.Keys.Length);
        foreach (int key in state.Keys) writer.Write(key);
        foreach (int rows in state.RowCounts) writer.Write(rows);
        foreach (long hits in state.Hits) writer.Write(hits);
        foreach (double sum in state.SurprisalSums) writer.Write(sum);
        WritePredictions(writer, state.OjfaTopProbability, state.OjfaArgmax);
        WritePredictions(writer, state.NnjtcTopProbability, state.NnjtcArgmax);
        writer.Write(state.HeadVectors);
        writer.Write(state.HeadSeconds);
        writer.Write(state.Seconds);
        writer.Write(Magic);
    }

    private static void WritePredictions(BinaryWriter writer, float[]? top, int[]? argmax)
    {
        writer.Write(top is not null);
        if (top is null || argmax is null)
            return;
        writer.Write(top.Length);
        foreach (float p in top) writer.Write(p);
        foreach (int id in argmax) writer.Write(id);
    }

    /// <summary>The state in <paramref name="path"/> when it is whole and of these inputs; null otherwise.</summary>
    private EvalLevelState? TryRead(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadString() != _fingerprint)
                return null;
            int level = reader.ReadInt32(), count = reader.ReadInt32();
            if (level < 0 || count < 1 || count > 1 << 20)
                return null;
            var keys = Array(count, reader.ReadInt32);
            var rows = Array(count, reader.ReadInt32);
            var hits = Array(count, reader.ReadInt64);
            var sums = Array(count, reader.ReadDouble);
            var (ojfaTop, ojfaArgmax) = ReadPredictions(reader);
            var (nnjtcTop, nnjtcArgmax) = ReadPredictions(reader);
            var state = new EvalLevelState(level, keys, rows, hits, sums, ojfaTop, ojfaArgmax, nnjtcTop, nnjtcArgmax,
                reader.ReadInt64(), reader.ReadDouble(), reader.ReadDouble());
            bool whole = reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) && reader.BaseStream.Position == reader.BaseStream.Length;
            return whole ? state : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static (float[]?, int[]?) ReadPredictions(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
            return (null, null);
        int samples = reader.ReadInt32();
        if (samples < 1 || samples > reader.BaseStream.Length / 8)
            throw new FormatException("sample count out of range");
        return (Array(samples, reader.ReadSingle), Array(samples, reader.ReadInt32));
    }

    private static T[] Array<T>(int count, Func<T> read)
    {
        var values = new T[count];
        for (int i = 0; i < count; i++) values[i] = read();
        return values;
    }
}
