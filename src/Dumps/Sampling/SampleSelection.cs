namespace LlamaJump.Dumps.Sampling;

/// <summary>Which sentences a dump samples: disjoint train and test lists of sentence indices, in sample order
/// (sample k of a split is the k-th entry). A seeded Fisher–Yates shuffle of all sentence indices
/// (<see cref="SplitMix64"/> seeded by <see cref="SampleSeed.ForShuffle"/>) gives a permutation; train takes its
/// first entries and test the ones after. The result depends only on (sentence count, counts, seed).</summary>
public sealed class SampleSelection
{
    private SampleSelection(IReadOnlyList<int> train, IReadOnlyList<int> test, int requestedTrain, int requestedTest)
    {
        Train = train;
        Test = test;
        RequestedTrain = requestedTrain;
        RequestedTest = requestedTest;
    }

    /// <summary>Sentence indices of the train samples, in sample order.</summary>
    public IReadOnlyList<int> Train { get; }

    /// <summary>Sentence indices of the test samples, in sample order; disjoint from <see cref="Train"/>.</summary>
    public IReadOnlyList<int> Test { get; }

    public int RequestedTrain { get; }
    public int RequestedTest { get; }

    /// <summary>True when <c>allowFewer</c> scaled the counts down.</summary>
    public bool ScaledDown => Train.Count != RequestedTrain || Test.Count != RequestedTest;

    public IReadOnlyList<int> Of(DumpSplit split) => split == DumpSplit.Train ? Train : Test;

    /// <summary>Selects <paramref name="train"/> + <paramref name="test"/> distinct sentences of
    /// <paramref name="sentenceCount"/>. When there are fewer sentences than that, throws
    /// <see cref="CorpusTooSmallException"/> — unless <paramref name="allowFewer"/>, which scales both counts to
    /// ⌊sentences × count / (train + test)⌋, keeping their ratio. An empty selection always throws.</summary>
    public static SampleSelection Create(int sentenceCount, int train, int test, ulong seed, bool allowFewer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sentenceCount);
        ArgumentOutOfRangeException.ThrowIfNegative(train);
        ArgumentOutOfRangeException.ThrowIfNegative(test);
        long requested = (long)train + test;
        if (requested == 0)
            throw new ArgumentException("at least one train or test sample must be asked for");
        int trainCount = train, testCount = test;
        if (requested > sentenceCount)
        {
            if (!allowFewer)
                throw new CorpusTooSmallException(
                    $"corpus has {sentenceCount} usable sentences, fewer than the {requested} asked ({train} train + {test} test); pass --allow-fewer to scale both down proportionally",
                    sentenceCount, (int)Math.Min(requested, int.MaxValue));
            trainCount = (int)((long)sentenceCount * train / requested);
            testCount = (int)((long)sentenceCount * test / requested);
        }
        if (trainCount + testCount == 0)
            throw new CorpusTooSmallException(
                $"corpus has {sentenceCount} usable sentences, too few for any sample ({train} train + {test} test asked)",
                sentenceCount, (int)Math.Min(requested, int.MaxValue));

        int take = trainCount + testCount;
        var order = new int[sentenceCount];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        var random = new SplitMix64(SampleSeed.ForShuffle(seed));
        for (int i = 0; i < take; i++) // the first `take` steps of a forward Fisher–Yates shuffle
        {
            int j = i + random.NextBelow(sentenceCount - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return new SampleSelection(order[..trainCount], order[trainCount..take], train, test);
    }
}
