namespace LlamaJump.Dumps;

/// <summary>Joins the shards of a dump (<c>--shard i/n</c> runs) into one dump, equal to the one an unsharded run
/// would write: the same rows, records and manifest.</summary>
public static class DumpMerge
{
    /// <summary>Target floats in memory per batch (about 64 MB).</summary>
    private const long BatchFloats = 16L << 20;

    /// <summary>Checks that <paramref name="shardDirectories"/> are complete shards 1/n … n/n of the same dump (same
    /// identity apart from the shard, each index exactly once) and writes the merged dump to
    /// <paramref name="outputDirectory"/> with <see cref="DumpWriter"/> (so it is locked, resumable and committed by
    /// its manifest; <paramref name="force"/> as in <see cref="DumpWriter.OpenOrResume"/>). Samples come out in global
    /// order: sample g of a split is row g / n of shard (g mod n) + 1. Memory stays bounded by one batch.
    /// <paramref name="progress"/>, when given, receives the number of samples written so far. Mismatched shards →
    /// <see cref="DumpMismatchException"/> with a one-line message; a shard that is not a complete dump → the
    /// reader's <see cref="DumpException"/>.</summary>
    public static DumpManifest Merge(IReadOnlyList<string> shardDirectories, string outputDirectory, bool force = false,
        IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(shardDirectories);
        if (shardDirectories.Count == 0)
            throw new DumpMismatchException("no shards to merge");
        string outputFull = Path.GetFullPath(outputDirectory);
        foreach (string shard in shardDirectories)
        {
            if (Path.GetFullPath(shard).TrimEnd('/') == outputFull.TrimEnd('/'))
                throw new DumpMismatchException($"the output directory {outputDirectory} is one of the shards");
        }

        var readers = new List<DumpReader>();
        try
        {
            foreach (string shard in shardDirectories)
                readers.Add(DumpReader.Open(shard));
            var ordered = CheckShards(readers);
            var identity = ordered[0].Identity with { Shard = null };
            var plan = new DumpPlan(PlanOf(DumpSplit.Train), PlanOf(DumpSplit.Test));

            using var writer = DumpWriter.OpenOrResume(outputDirectory, identity, plan, force);
            int written = writer.CompletedCount;
            foreach (var split in DumpSplitExtensions.All)
                written = Copy(writer, split, ordered, written, progress);
            return writer.Complete();

            List<PlannedSample> PlanOf(DumpSplit split) => Enumerable.Range(0, identity.CountOf(split))
                .Select(g => Record(ordered, split, g))
                .Select(r => new PlannedSample(r.SampleIndex, r.SentenceIndex, r.Position))
                .ToList();
        }
        finally
        {
            foreach (var reader in readers)
                reader.Dispose();
        }
    }

    /// <summary>The readers ordered by shard index, after checking they form one complete set.</summary>
    private static DumpReader[] CheckShards(List<DumpReader> readers)
    {
        var first = readers[0];
        int count = first.Identity.Shard?.Count
            ?? throw new DumpMismatchException($"{first.Directory} is not a shard (it was dumped without --shard)");
        var byIndex = new DumpReader?[count];
        foreach (var reader in readers)
        {
            var shard = reader.Identity.Shard
                ?? throw new DumpMismatchException($"{reader.Directory} is not a shard (it was dumped without --shard)");
            if (shard.Count != count)
                throw new DumpMismatchException(
                    $"{reader.Directory} is shard {shard} but {first.Directory} is shard {first.Identity.Shard}: they come from different --shard splits");
            var differences = first.Identity.Differences(reader.Identity with { Shard = first.Identity.Shard });
            if (differences.Count > 0)
                throw new DumpMismatchException(
                    $"{reader.Directory} does not belong with {first.Directory}: it differs in {string.Join(", ", differences)}");
            if (byIndex[shard.Index - 1] is { } twice)
                throw new DumpMismatchException($"{twice.Directory} and {reader.Directory} are both shard {shard}");
            byIndex[shard.Index - 1] = reader;
        }
        int missing = Array.FindIndex(byIndex, r => r is null);
        if (missing >= 0)
            throw new DumpMismatchException($"shard {missing + 1}/{count} is missing");
        return byIndex!;
    }

    private static DumpSample Record(DumpReader[] shards, DumpSplit split, int sampleIndex) =>
        shards[sampleIndex % shards.Length].Split(split).Samples[sampleIndex / shards.Length];

    private static int Copy(DumpWriter writer, DumpSplit split, DumpReader[] shards, int written, IProgress<int>? progress)
    {
        var remaining = writer.Remaining(split);
        if (remaining.Count == 0)
            return written;
        int nLayer = writer.Identity.Model.NLayer, nEmbd = writer.Identity.Model.NEmbd;
        int batch = (int)Math.Clamp(BatchFloats / ((long)nLayer * nEmbd), 1, 4096);
        var hidden = new float[(long)nLayer * Math.Min(batch, remaining.Count) * nEmbd];
        for (int start = 0; start < remaining.Count; start += batch)
        {
            int n = Math.Min(batch, remaining.Count - start);
            var indices = new int[n];
            var results = new DumpSampleResult[n];
            for (int k = 0; k < n; k++)
            {
                int g = remaining[start + k].SampleIndex;
                var source = shards[g % shards.Length].Split(split);
                int row = g / shards.Length;
                for (int block = 0; block < nLayer; block++)
                    source.ReadRow(block, row, hidden.AsSpan(((block * n) + k) * nEmbd, nEmbd));
                var record = source.Samples[row];
                indices[k] = g;
                results[k] = new DumpSampleResult(record.Tokens, record.Top1, record.Top1Logprob, record.Truncated);
            }
            writer.WriteBatch(split, indices, hidden.AsSpan(0, nLayer * n * nEmbd), results);
            written += n;
            progress?.Report(written);
        }
        return written;
    }
}
