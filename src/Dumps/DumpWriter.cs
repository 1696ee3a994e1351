using System.Text.Json;

namespace LlamaJump.Dumps;

/// <summary>Writes one dump directory (see <see cref="DumpLayout"/>), resumably.
/// <para><b>Durability.</b> <see cref="WriteBatch"/> writes rows straight to the split's
/// <c>{split}.safetensors.tmp</c> at their offsets, flushes them to disk, and only then appends the samples'
/// records to the split's journal (also flushed). A resume trusts exactly the journal, so rows of a batch that was
/// interrupted are never taken as done; they are written again. <see cref="Complete"/> writes the samples files,
/// renames the safetensors files into place, and writes manifest.json last — the commit point.</para>
/// <para><b>Ownership.</b> The writer holds <c>dump.lock</c> from open to <see cref="Dispose"/>; a second writer on
/// the same directory gets <see cref="DumpLockedException"/>. It deletes only files it names itself
/// (<see cref="DumpLayout.IsOwnEntry"/>), never anything else in the directory. Not thread-safe: one batch at a
/// time.</para></summary>
public sealed class DumpWriter : IDisposable
{
    private readonly DumpLayout _layout;
    private readonly OutputLock _lock;
    private readonly DumpSplitWriter[] _splits;
    private DumpManifest? _manifest;
    private bool _faulted;
    private bool _disposed;

    private DumpWriter(DumpLayout layout, OutputLock dumpLock, DumpIdentity identity, DumpPlan plan,
        DumpSplitWriter[] splits, DumpManifest? completeManifest, bool resumed)
    {
        _layout = layout;
        _lock = dumpLock;
        Identity = identity;
        Plan = plan;
        _splits = splits;
        _manifest = completeManifest;
        AlreadyComplete = completeManifest is not null;
        Resumed = resumed;
    }

    public DumpIdentity Identity { get; }
    public DumpPlan Plan { get; }

    /// <summary>The directory already held this dump, complete: there is nothing to do, and
    /// <see cref="Complete"/> returns its manifest.</summary>
    public bool AlreadyComplete { get; }

    /// <summary>An interrupted run of this dump was found and continued.</summary>
    public bool Resumed { get; }

    /// <summary>Samples planned, both splits.</summary>
    public int TotalCount => Plan.TotalCount;

    /// <summary>Samples durable so far, both splits.</summary>
    public int CompletedCount => AlreadyComplete ? TotalCount : _splits.Sum(s => s.Completed);

    /// <summary>The planned samples of <paramref name="split"/> not yet written, in sample order — the work left.</summary>
    public IReadOnlyList<PlannedSample> Remaining(DumpSplit split) =>
        AlreadyComplete || _manifest is not null ? [] : _splits[(int)split].Remaining();

    /// <summary>Opens <paramref name="directory"/> (creating it) for the dump described by
    /// <paramref name="identity"/> and <paramref name="plan"/>:
    /// <list type="bullet">
    /// <item>a complete dump of the same identity → <see cref="AlreadyComplete"/>, nothing to do;</item>
    /// <item>an interrupted dump of the same identity and plan → resumed; <see cref="Remaining"/> is what is left;</item>
    /// <item>a dump of another identity (or plan) → <see cref="DumpMismatchException"/>, unless
    /// <paramref name="force"/>, which deletes it and starts afresh;</item>
    /// <item>no dump: an empty directory (or one with only leftovers of this library) starts afresh; a directory with
    /// other files → <see cref="DumpMismatchException"/>, even with <paramref name="force"/>.</item>
    /// </list>
    /// Throws <see cref="DumpLockedException"/> when another writer holds the directory. The plan must hold exactly
    /// the identity's samples (its shard's share when sharded), else <see cref="ArgumentException"/>.</summary>
    public static DumpWriter OpenOrResume(string directory, DumpIdentity identity, DumpPlan plan, bool force)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(plan);
        CheckPlan(identity, plan);
        var layout = new DumpLayout(directory);
        Directory.CreateDirectory(directory);
        var dumpLock = OutputLock.Acquire(layout);
        try
        {
            if (File.Exists(layout.Manifest))
            {
                DumpManifest? existing = TryRead(() => DumpJson.ReadManifest(layout.Manifest));
                if (existing is not null && existing.Identity.Differences(identity).Count == 0)
                {
                    DeleteDirectory(layout.Progress); // left by a crash right after the manifest was written
                    return new DumpWriter(layout, dumpLock, identity, plan, [], existing, resumed: false);
                }
                RefuseUnlessForced(layout, existing?.Identity, identity, force, "a dump");
            }
            else if (File.Exists(layout.Plan))
            {
                ProgressState? state = TryRead(() => DumpJson.ReadProgress(layout.Plan));
                var existing = state?.Manifest.Identity;
                if (existing is not null && existing.Differences(identity).Count == 0)
                {
                    if (state!.Plan.SameAs(plan))
                        return Open(layout, dumpLock, identity, plan, fresh: false);
                    if (!force)
                        throw new DumpMismatchException(
                            $"{directory} holds an interrupted dump with the same settings but other samples (did the corpus reader or the tokenizer change?); use --force to replace it or choose another --out");
                }
                else
                {
                    RefuseUnlessForced(layout, existing, identity, force, "an interrupted dump");
                }
            }
            else
            {
                string? foreign = Directory.EnumerateFileSystemEntries(directory)
                    .Select(Path.GetFileName)
                    .FirstOrDefault(name => !DumpLayout.IsOwnEntry(name!));
                if (foreign is not null)
                    throw new DumpMismatchException(
                        $"{directory} is not empty and holds no llamajump dump (it has {foreign}); choose another --out");
            }
            ClearOwnEntries(layout);
            return Open(layout, dumpLock, identity, plan, fresh: true);
        }
        catch
        {
            dumpLock.Dispose();
            throw;
        }
    }

    /// <summary>Writes a batch of samples of <paramref name="split"/>. <paramref name="sampleIndices"/> are planned,
    /// not yet written sample indices (any order). <paramref name="hidden"/> holds, block by block, one row of
    /// n_embd floats per sample in <paramref name="sampleIndices"/> order: layout [n_layer][batch][n_embd].
    /// <paramref name="results"/> gives each sample's tokens (exactly position + 1 of them), top-1 token and
    /// log-probability. When this returns, the batch is durable. After an exception the writer refuses further
    /// batches: dispose it and open the directory again to resume.</summary>
    public void WriteBatch(DumpSplit split, ReadOnlySpan<int> sampleIndices, ReadOnlySpan<float> hidden,
        IReadOnlyList<DumpSampleResult> results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_manifest is not null)
            throw new InvalidOperationException("the dump is complete");
        if (_faulted)
            throw new InvalidOperationException("an earlier batch failed; reopen the dump to resume");
        ArgumentNullException.ThrowIfNull(results);
        try
        {
            _splits[(int)split].WriteBatch(sampleIndices, hidden, results);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>Finishes the dump once every planned sample is written: writes each split's samples file, renames
    /// the safetensors files to their final names, writes manifest.json (the commit point) and removes
    /// <c>progress/</c>. Returns the manifest. Throws <see cref="InvalidOperationException"/> when samples are
    /// missing. Calling it again, or on an <see cref="AlreadyComplete"/> dump, returns the manifest.</summary>
    public DumpManifest Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_manifest is not null)
            return _manifest;
        if (_faulted)
            throw new InvalidOperationException("an earlier batch failed; reopen the dump to resume");
        foreach (var split in _splits)
        {
            if (split.Completed != split.Count)
                throw new InvalidOperationException(
                    $"{split.Split.Name()}: {split.Count - split.Completed} of {split.Count} samples are not written yet");
        }
        foreach (var split in _splits)
            split.Finish(_layout);
        var manifest = DumpManifest.For(Identity);
        DumpJson.WriteManifest(_layout.Manifest, manifest);
        foreach (var split in _splits)
            split.Dispose();
        DeleteDirectory(_layout.Progress);
        _manifest = manifest;
        return manifest;
    }

    /// <summary>Closes the files and releases the lock. Without <see cref="Complete"/> the directory keeps the
    /// interrupted dump, ready to resume.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var split in _splits)
            split.Dispose();
        _lock.Dispose();
    }

    private static DumpWriter Open(DumpLayout layout, OutputLock dumpLock, DumpIdentity identity, DumpPlan plan, bool fresh)
    {
        Directory.CreateDirectory(layout.Progress);
        var splits = new List<DumpSplitWriter>();
        try
        {
            foreach (var split in DumpSplitExtensions.All)
                splits.Add(DumpSplitWriter.Open(layout, split, identity, plan.Of(split), fresh));
            if (fresh) // the plan file makes the directory an interrupted dump: written once the files exist
                DumpJson.WriteProgress(layout.Plan, new ProgressState(DumpManifest.For(identity), [.. plan.Train], [.. plan.Test]));
            return new DumpWriter(layout, dumpLock, identity, plan, [.. splits], null, resumed: !fresh);
        }
        catch
        {
            foreach (var split in splits)
                split.Dispose();
            throw;
        }
    }

    private static void RefuseUnlessForced(DumpLayout layout, DumpIdentity? existing, DumpIdentity wanted, bool force, string what)
    {
        if (force)
            return;
        if (existing is null)
            throw new DumpMismatchException(
                $"{layout.Directory} holds {what} whose description cannot be read; use --force to replace it or choose another --out");
        throw new DumpMismatchException(
            $"{layout.Directory} holds {what} of {existing.Describe()}; this run differs in {string.Join(", ", existing.Differences(wanted))}; use --force to replace it or choose another --out");
    }

    /// <summary>Deletes every entry this library writes except the lock; the manifest first, so that a crash
    /// halfway never leaves a manifest over replaced files.</summary>
    private static void ClearOwnEntries(DumpLayout layout)
    {
        File.Delete(layout.Manifest);
        foreach (string entry in Directory.EnumerateFileSystemEntries(layout.Directory).ToList())
        {
            string name = Path.GetFileName(entry);
            if (!DumpLayout.IsOwnEntry(name) || name == DumpLayout.LockFile)
                continue;
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }

    private static T? TryRead<T>(Func<T> read) where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static void CheckPlan(DumpIdentity identity, DumpPlan plan)
    {
        foreach (var split in DumpSplitExtensions.All)
        {
            int total = identity.CountOf(split);
            var expected = identity.Shard?.SampleIndices(total) ?? Enumerable.Range(0, total);
            if (!plan.Of(split).Select(s => s.SampleIndex).SequenceEqual(expected))
                throw new ArgumentException(
                    $"the {split.Name()} plan does not hold exactly the samples of {identity.LocalCountOf(split)} of {total}" +
                    (identity.Shard is null ? "" : $" (shard {identity.Shard})"), nameof(plan));
        }
        if (identity.Model.NLayer < 1 || identity.Model.NEmbd < 1 || identity.Model.NVocab < 1)
            throw new ArgumentException("n_layer, n_embd and n_vocab must be positive", nameof(identity));
    }
}
