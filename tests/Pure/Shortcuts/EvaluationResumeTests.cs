using AwesomeAssertions;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>An evaluation stopped part-way resumes at its first unfinished level and ends with exactly the result of
/// one uninterrupted run, computing only what was not finished; kept levels of another plan or other inputs, and
/// files that do not read back whole, are recomputed.</summary>
public sealed class EvaluationResumeTests
{
    private const int Layers = 5, Embd = 8, Vocab = 12, Count = 40;

    [Fact]
    public void A_run_stopped_part_way_resumes_to_the_uninterrupted_result_computing_only_the_rest()
    {
        var (head, samples, set) = Fixture();
        var settings = new EvalSettings(ArbitrarySelection.Everything, BatchRows: 16, Threads: 1);
        var uninterrupted = new JumpEvaluator(head, settings).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        var store = new MemoryStore();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stopping = new StoppingHead(head, callsBeforeStop: 40, stop);
        var interrupted = () => new JumpEvaluator(stopping, settings).Evaluate(samples, set, store: store, cancellation: stop.Token);
        interrupted.Should().Throw<OperationCanceledException>();
        store.Levels.Count.Should().BeInRange(1, Layers - 1, "the stop came part-way");

        var counting = new ProjectionHead(head.Weights, Embd, Vocab);
        var evaluator = new JumpEvaluator(counting, settings);
        var plan = evaluator.Plan(samples, set);
        var (keptLevels, keptVectors) = evaluator.Kept(plan, samples, store);
        keptLevels.Should().Be(store.Levels.Count);
        var resumed = evaluator.Evaluate(samples, set, store: store, cancellation: TestContext.Current.CancellationToken);

        counting.Rows.Should().Be(plan.HeadVectors - keptVectors, "only the unfinished levels go through the head");
        resumed.Should().BeEquivalentTo(uninterrupted, o => o.Excluding(r => r.Throughput));
        resumed.Throughput.HeadVectors.Should().Be(plan.HeadVectors);
        store.Levels.Count.Should().Be(Layers, "every level is kept once finished");
    }

    [Fact]
    public void Kept_levels_of_another_plan_are_recomputed()
    {
        var (head, samples, set) = Fixture();
        var store = new MemoryStore();
        new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Parse("2, 0"), Threads: 1))
            .Evaluate(samples, set, store: store, cancellation: TestContext.Current.CancellationToken);

        var everything = new EvalSettings(ArbitrarySelection.Everything, Threads: 1);
        var evaluator = new JumpEvaluator(head, everything);
        // the same keys in both plans only at level 3 (N-NJTC 3 with the listed 0, 2 and OJFA 1: every jump) and at
        // the last block (identity alone)
        evaluator.Kept(evaluator.Plan(samples, set), samples, store).Levels.Should().Be(2);
        var resumed = evaluator.Evaluate(samples, set, store: store, cancellation: TestContext.Current.CancellationToken);
        var fresh = new JumpEvaluator(head, everything).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        resumed.Should().BeEquivalentTo(fresh, o => o.Excluding(r => r.Throughput));
    }

    [Fact]
    public void The_progress_directory_keeps_whole_levels_of_its_own_inputs_only()
    {
        var (head, samples, set) = Fixture();
        var settings = new EvalSettings(ArbitrarySelection.Everything, Threads: 1);
        string directory = Path.Combine(Path.GetTempPath(), $"llamajump-evalprogress-{Guid.NewGuid():N}");
        try
        {
            var first = EvalProgressDirectory.Open(directory, "inputs A");
            var written = new JumpEvaluator(head, settings).Evaluate(samples, set, store: first, cancellation: TestContext.Current.CancellationToken);
            Directory.GetFiles(directory).Select(Path.GetFileName).Should().BeEquivalentTo(
                Enumerable.Range(0, Layers).Select(level => $"level-{level:D3}.bin"), "one whole file per level, no temporary left");

            var again = EvalProgressDirectory.Open(directory, "inputs A");
            again.Kept.Should().Be(Layers);
            var counting = new ProjectionHead(head.Weights, Embd, Vocab);
            var read = new JumpEvaluator(counting, settings).Evaluate(samples, set, store: again, cancellation: TestContext.Current.CancellationToken);
            counting.Calls.Should().Be(0, "every level is read back");
            read.Should().BeEquivalentTo(written, o => o.Excluding(r => r.Throughput));
            read.Throughput.HeadVectors.Should().Be(written.Throughput.HeadVectors);
            read.Throughput.HeadSeconds.Should().BeApproximately(written.Throughput.HeadSeconds, 1e-9, "the kept levels carry their share of the head time");

            string level2 = Path.Combine(directory, "level-002.bin");
            byte[] bytes = File.ReadAllBytes(level2);
            File.WriteAllBytes(level2, bytes[..^3]); // cut short: not whole
            var truncated = EvalProgressDirectory.Open(directory, "inputs A");
            (truncated.Kept, truncated.Discarded).Should().Be((Layers - 1, 1));
            truncated.Read(2).Should().BeNull();

            var other = EvalProgressDirectory.Open(directory, "inputs B");
            (other.Kept, other.Discarded).Should().Be((0, Layers - 1));
            Directory.GetFiles(directory).Should().BeEmpty();

            other.Delete();
            Directory.Exists(directory).Should().BeFalse();
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    private static (ProjectionHead Head, ArrayEvalSamples Samples, JumpSet Set) Fixture()
    {
        var head = ProjectionHead.Random(Embd, Vocab, seed: 3);
        var samples = EvalFixtures.Samples(head, Layers, Count, seed: 4);
        return (head, samples, EvalFixtures.RandomSet(Layers, Embd, rank: 2, ojfa: 1, seed: 5));
    }

    private sealed class MemoryStore : IEvalLevelStore
    {
        public Dictionary<int, EvalLevelState> Levels { get; } = [];

        public EvalLevelState? Read(int level) => Levels.GetValueOrDefault(level);

        public void Write(EvalLevelState state) => Levels[state.Level] = state;
    }

    /// <summary>Cancels <paramref name="stop"/> after <paramref name="callsBeforeStop"/> head calls, as a Ctrl-C
    /// part-way would.</summary>
    private sealed class StoppingHead(IHead inner, int callsBeforeStop, CancellationTokenSource stop) : IHead
    {
        private int _calls;

        public int NEmbd => inner.NEmbd;
        public int NVocab => inner.NVocab;

        public void Apply(ReadOnlySpan<float> hidden, int rows, Span<float> logits)
        {
            inner.Apply(hidden, rows, logits);
            if (++_calls == callsBeforeStop)
                stop.Cancel();
        }
    }
}
