using System.Diagnostics;
using LlamaJump.Dumps;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.App.Dump;

/// <summary>
/// Groups decoded batches into fewer, larger durable writes: each <see cref="DumpWriter.WriteBatch"/> ends with two
/// fsyncs, which cost more than decoding a batch of a small model. A group is written when it holds
/// <c>maxBytes</c> of hidden states, when <c>maxSeconds</c> passed since the last write, or on <see cref="Flush"/>
/// — so memory stays bounded and an interruption loses at most a few seconds of work.
/// </summary>
public sealed class DumpWriteBuffer(DumpWriter writer, DumpSplit split, int nLayer, int nEmbd, long maxBytes = 64L << 20, double maxSeconds = 5)
{
    private readonly List<CapturedBatch> _batches = [];
    private readonly List<int> _sampleIndices = [];
    private readonly List<DumpSampleResult> _results = [];
    private readonly Stopwatch _sinceWrite = Stopwatch.StartNew();
    private long _bytes;

    /// <summary>Samples handed to the writer so far (durable once <see cref="Add"/> or <see cref="Flush"/> returns them as written).</summary>
    public int Written { get; private set; }

    /// <returns>samples made durable by this call (0 while the group is still open)</returns>
    public int Add(CapturedBatch batch, IEnumerable<int> sampleIndices, IEnumerable<DumpSampleResult> results)
    {
        _batches.Add(batch);
        _sampleIndices.AddRange(sampleIndices);
        _results.AddRange(results);
        _bytes += batch.Hidden.Length * sizeof(float);
        return _bytes >= maxBytes || _sinceWrite.Elapsed.TotalSeconds >= maxSeconds ? Flush() : 0;
    }

    /// <returns>samples made durable by this call</returns>
    public int Flush()
    {
        int n = _sampleIndices.Count;
        if (n == 0)
        {
            return 0;
        }
        // [n_layer][n][n_embd]: block by block, the rows of every batch in order
        var hidden = new float[(long)nLayer * n * nEmbd];
        int offset = 0;
        for (int block = 0; block < nLayer; block++)
        {
            foreach (var batch in _batches)
            {
                var rows = batch.Block(block);
                rows.CopyTo(hidden.AsSpan(offset));
                offset += rows.Length;
            }
        }
        writer.WriteBatch(split, _sampleIndices.ToArray(), hidden, _results.ToList());
        _batches.Clear();
        _sampleIndices.Clear();
        _results.Clear();
        _bytes = 0;
        _sinceWrite.Restart();
        Written += n;
        return n;
    }
}
