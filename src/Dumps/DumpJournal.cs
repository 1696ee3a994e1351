using System.Text.Json;

namespace LlamaJump.Dumps;

/// <summary>A split's progress journal (<c>progress/{split}.journal.jsonl</c>): one <see cref="DumpSample"/> per
/// line, appended only after the sample's rows are durable in the safetensors file, and flushed to disk before
/// <see cref="Append"/> returns. A line counts only when it is complete (ends in a newline) and parses; reading
/// stops at the first line that does not, so a torn write at a crash loses only the batch being written.</summary>
internal sealed class DumpJournal : IDisposable
{
    private readonly FileStream _stream;

    private DumpJournal(FileStream stream) => _stream = stream;

    /// <summary>Opens (creating if needed) the journal for appending. Unless <paramref name="discard"/>, the
    /// records already in it are returned, the file is cut back to the end of the last good line, and
    /// <paramref name="accept"/> decides record by record whether to trust it (the first record it refuses ends
    /// the journal there too). With <paramref name="discard"/> the journal is emptied.</summary>
    public static DumpJournal Open(string path, bool discard, Func<DumpSample, bool> accept, out List<DumpSample> records)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        try
        {
            records = [];
            long goodLength = 0;
            if (!discard)
            {
                byte[] content = new byte[stream.Length];
                stream.ReadExactly(content);
                goodLength = ReadRecords(content, records, accept);
            }
            if (stream.Length != goodLength)
            {
                stream.SetLength(goodLength);
                stream.Flush(flushToDisk: true);
            }
            stream.Position = goodLength;
            return new DumpJournal(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The records of the journal at <paramref name="path"/> without changing it (empty when missing).</summary>
    public static List<DumpSample> Peek(string path)
    {
        var records = new List<DumpSample>();
        if (File.Exists(path))
            ReadRecords(File.ReadAllBytes(path), records, _ => true);
        return records;
    }

    /// <summary>Appends the records and flushes them to disk.</summary>
    public void Append(IEnumerable<DumpSample> samples)
    {
        var buffer = new MemoryStream();
        foreach (var sample in samples)
            buffer.Write(DumpJson.SampleLine(sample));
        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Adds the good records of <paramref name="content"/>; returns the byte length they span.</summary>
    private static long ReadRecords(ReadOnlySpan<byte> content, List<DumpSample> records, Func<DumpSample, bool> accept)
    {
        long good = 0;
        while (true)
        {
            int newline = content.IndexOf((byte)'\n');
            if (newline < 0)
                return good;
            DumpSample sample;
            try
            {
                sample = DumpJson.ParseSample(content[..newline]);
            }
            catch (JsonException)
            {
                return good;
            }
            if (!accept(sample))
                return good;
            records.Add(sample);
            good += newline + 1;
            content = content[(newline + 1)..];
        }
    }
}
