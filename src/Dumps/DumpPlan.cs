using LlamaJump.Dumps.Sampling;

namespace LlamaJump.Dumps;

/// <summary>A sample to take: sample <see cref="SampleIndex"/> of its split (index across all shards) is sentence
/// <see cref="SentenceIndex"/> at token <see cref="Position"/> (see <see cref="PositionPolicy"/>).</summary>
public sealed record PlannedSample(int SampleIndex, int SentenceIndex, int Position);

/// <summary>The samples one dump directory holds, per split, in increasing sample index — all of a split, or a
/// shard's share. A plan is deterministic in the dump's identity (and the tokenizer), so a resumed run re-derives
/// the same plan; the writer refuses to resume under a different one.</summary>
public sealed class DumpPlan
{
    public DumpPlan(IReadOnlyList<PlannedSample> train, IReadOnlyList<PlannedSample> test)
    {
        Check(train, nameof(train));
        Check(test, nameof(test));
        Train = train;
        Test = test;
    }

    public IReadOnlyList<PlannedSample> Train { get; }
    public IReadOnlyList<PlannedSample> Test { get; }

    public int TotalCount => Train.Count + Test.Count;

    public IReadOnlyList<PlannedSample> Of(DumpSplit split) => split == DumpSplit.Train ? Train : Test;

    /// <summary>The plan for <paramref name="selection"/> (only <paramref name="shard"/>'s samples when given):
    /// sample k of a split is sentence <c>selection.Of(split)[k]</c> at
    /// <c>policy.ChoosePosition(SampleSeed.ForSample(seed, split, k), tokenCount(sentence))</c>.
    /// <paramref name="tokenCount"/> gives a sentence's token count with BOS, after truncation to the context.</summary>
    public static DumpPlan Create(SampleSelection selection, ShardSpec? shard, PositionPolicy policy, ulong seed,
        Func<int, int> tokenCount)
    {
        return new DumpPlan(For(DumpSplit.Train), For(DumpSplit.Test));

        List<PlannedSample> For(DumpSplit split)
        {
            var sentences = selection.Of(split);
            var indices = shard?.SampleIndices(sentences.Count) ?? Enumerable.Range(0, sentences.Count);
            return indices.Select(k => new PlannedSample(k, sentences[k],
                policy.ChoosePosition(SampleSeed.ForSample(seed, split, k), tokenCount(sentences[k])))).ToList();
        }
    }

    /// <summary>Same samples, sentences and positions in both splits.</summary>
    public bool SameAs(DumpPlan other) => Train.SequenceEqual(other.Train) && Test.SequenceEqual(other.Test);

    private static void Check(IReadOnlyList<PlannedSample> samples, string name)
    {
        ArgumentNullException.ThrowIfNull(samples, name);
        for (int i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (sample.SampleIndex < 0 || sample.SentenceIndex < 0 || sample.Position < 1)
                throw new ArgumentException($"planned sample {sample} has a negative index or a position below 1", name);
            if (i > 0 && sample.SampleIndex <= samples[i - 1].SampleIndex)
                throw new ArgumentException("planned samples must be in strictly increasing sample index", name);
        }
    }
}
