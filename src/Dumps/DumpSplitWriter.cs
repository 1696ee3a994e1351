using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Dumps;

/// <summary>The in-progress files of one split: the safetensors <c>.tmp</c> and the journal, and which planned
/// samples are durable. Used only by <see cref="DumpWriter"/>.</summary>
internal sealed class DumpSplitWriter : IDisposable
{
    private readonly DumpIdentity _identity;
    private readonly IReadOnlyList<PlannedSample> _planned;
    private readonly Dictionary<int, int> _rowOf;
    private readonly DumpSample?[] _records;
    private readonly SafetensorsWriter _tensors;
    private readonly DumpJournal _journal;

    private DumpSplitWriter(DumpSplit split, DumpIdentity identity, IReadOnlyList<PlannedSample> planned,
        Dictionary<int, int> rowOf, SafetensorsWriter tensors, DumpJournal journal, List<DumpSample> recovered)
    {
        Split = split;
        _identity = identity;
        _planned = planned;
        _rowOf = rowOf;
        _tensors = tensors;
        _journal = journal;
        _records = new DumpSample?[planned.Count];
        foreach (var record in recovered)
        {
            int row = rowOf[record.SampleIndex];
            if (_records[row] is null)
                Completed++;
            _records[row] = record;
        }
    }

    public DumpSplit Split { get; }

    public int Count => _planned.Count;

    public int Completed { get; private set; }

    /// <summary>Opens the split's files in <paramref name="layout"/>: resumes a <c>.tmp</c> whose header matches
    /// (keeping the journal's records), else starts the split afresh (<paramref name="fresh"/> forces that).</summary>
    public static DumpSplitWriter Open(DumpLayout layout, DumpSplit split, DumpIdentity identity,
        IReadOnlyList<PlannedSample> planned, bool fresh)
    {
        string final = layout.Safetensors(split);
        var specs = Enumerable.Range(0, identity.Model.NLayer)
            .Select(block => new SafetensorsTensorSpec(DumpLayout.TensorName(block), identity.Dtype, planned.Count,
                identity.Model.NEmbd))
            .ToList();
        var metadata = Metadata(identity, split);

        SafetensorsWriter? tensors = null;
        if (!fresh)
        {
            // An interrupted Complete may have renamed the .tmp already; the journal still says what is in it.
            if (!File.Exists(SafetensorsWriter.TempPathFor(final)) && File.Exists(final))
                File.Move(final, SafetensorsWriter.TempPathFor(final));
            tensors = SafetensorsWriter.TryResume(final, specs, metadata);
        }
        bool restart = tensors is null;
        tensors ??= SafetensorsWriter.Create(final, specs, metadata);

        var rowOf = new Dictionary<int, int>(planned.Count);
        for (int row = 0; row < planned.Count; row++)
            rowOf[planned[row].SampleIndex] = row;
        try
        {
            var journal = DumpJournal.Open(layout.Journal(split), discard: restart,
                record => rowOf.TryGetValue(record.SampleIndex, out int row) && Matches(record, planned[row], identity),
                out var recovered);
            return new DumpSplitWriter(split, identity, planned, rowOf, tensors, journal, recovered);
        }
        catch
        {
            tensors.Dispose();
            throw;
        }
    }

    /// <summary>The planned samples not yet durable, in sample order.</summary>
    public IReadOnlyList<PlannedSample> Remaining() =>
        Enumerable.Range(0, Count).Where(row => _records[row] is null).Select(row => _planned[row]).ToList();

    /// <summary>See <see cref="DumpWriter.WriteBatch"/>.</summary>
    public void WriteBatch(ReadOnlySpan<int> sampleIndices, ReadOnlySpan<float> hidden, IReadOnlyList<DumpSampleResult> results)
    {
        int n = sampleIndices.Length, nEmbd = _identity.Model.NEmbd, nLayer = _identity.Model.NLayer;
        if (results.Count != n)
            throw new ArgumentException($"{results.Count} results for {n} samples", nameof(results));
        long expected = (long)nLayer * n * nEmbd;
        if (hidden.Length != expected)
            throw new ArgumentException(
                $"hidden holds {hidden.Length} floats, expected {nLayer} blocks × {n} samples × {nEmbd} = {expected}", nameof(hidden));

        var rows = new int[n];
        var records = new DumpSample[n];
        var seen = new HashSet<int>();
        for (int k = 0; k < n; k++)
        {
            int index = sampleIndices[k];
            if (!_rowOf.TryGetValue(index, out int row))
                throw new ArgumentException($"{Split.Name()} sample {index} is not in this dump's plan", nameof(sampleIndices));
            if (!seen.Add(index) || _records[row] is not null)
                throw new ArgumentException($"{Split.Name()} sample {index} is already written", nameof(sampleIndices));
            rows[k] = row;
            records[k] = ToRecord(_planned[row], results[k]);
        }

        for (int block = 0; block < nLayer; block++)
        {
            var blockRows = hidden.Slice(block * n * nEmbd, n * nEmbd);
            for (int start = 0, end; start < n; start = end)
            {
                end = start + 1;
                while (end < n && rows[end] == rows[end - 1] + 1)
                    end++;
                _tensors.WriteRows(block, rows[start], blockRows[(start * nEmbd)..(end * nEmbd)]);
            }
        }
        _tensors.Flush();        // rows durable first,
        _journal.Append(records); // then the claim that they are.
        for (int k = 0; k < n; k++)
            _records[rows[k]] = records[k];
        Completed += n;
    }

    /// <summary>Writes the samples file and renames the safetensors file into place. All samples must be done.</summary>
    public void Finish(DumpLayout layout)
    {
        DumpJson.WriteLinesAtomically(layout.Samples(Split), _records.Select(r => DumpJson.SampleLine(r!)));
        _tensors.Complete();
    }

    public void Dispose()
    {
        _tensors.Dispose();
        _journal.Dispose();
    }

    /// <summary>The safetensors <c>__metadata__</c> of a split: what the file is, without the shard (so a merged
    /// dump's files equal an unsharded dump's).</summary>
    internal static Dictionary<string, string> Metadata(DumpIdentity identity, DumpSplit split) => new()
    {
        ["format"] = DumpManifest.FormatName,
        ["version"] = DumpManifest.CurrentVersion.ToString(),
        ["split"] = split.Name(),
        ["model_sha256"] = identity.Model.Sha256,
        ["corpus_sha256"] = identity.Corpus.Sha256,
        ["seed"] = identity.Seed.ToString(),
        ["position"] = identity.Position.Name(),
    };

    /// <summary>Whether a record fits its planned sample and the model (vocabulary, token count).</summary>
    internal static bool Matches(DumpSample record, PlannedSample planned, DumpIdentity identity) =>
        record.SampleIndex == planned.SampleIndex && record.SentenceIndex == planned.SentenceIndex
        && record.Position == planned.Position && record.Tokens.Length == planned.Position + 1
        && record.Tokens.All(t => t >= 0 && t < identity.Model.NVocab)
        && record.Top1 >= 0 && record.Top1 < identity.Model.NVocab && float.IsFinite(record.Top1Logprob);

    private DumpSample ToRecord(PlannedSample planned, DumpSampleResult result)
    {
        var record = new DumpSample(planned.SampleIndex, planned.SentenceIndex, planned.Position, [.. result.Tokens],
            result.Top1, result.Top1Logprob, result.Truncated);
        if (!Matches(record, planned, _identity))
            throw new ArgumentException(
                $"{Split.Name()} sample {planned.SampleIndex}: the result does not fit the plan (needs {planned.Position + 1} tokens below n_vocab {_identity.Model.NVocab}, a top-1 token below n_vocab and a finite log-probability)");
        return record;
    }
}
