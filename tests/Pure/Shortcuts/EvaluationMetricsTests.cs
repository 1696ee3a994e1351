using AwesomeAssertions;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>Precision@1 and Surprisal on hand-computed cases, the identities that must hold, and which methods an
/// evaluation covers.</summary>
public sealed class EvaluationMetricsTests
{
    [Fact]
    public void A_row_scores_its_argmax_and_minus_log_softmax_of_the_target()
    {
        var scratch = new float[3];
        // logsumexp(1, 2, 3) = 3 + ln(1 + e^-1 + e^-2) = 3.40760596
        var (hit, surprisal) = LogitScorer.Score([1f, 2f, 3f], 2, scratch);
        hit.Should().BeTrue();
        surprisal.Should().BeApproximately(0.40760596, 1e-6);

        (hit, surprisal) = LogitScorer.Score([1f, 2f, 3f], 0, scratch);
        hit.Should().BeFalse();
        surprisal.Should().BeApproximately(2.40760596, 1e-6);
    }

    [Fact]
    public void A_tie_goes_to_the_first_index_as_in_the_dump_and_large_logits_do_not_overflow()
    {
        var scratch = new float[3];
        LogitScorer.Score([5f, 5f, 1f], 0, scratch).Hit.Should().BeTrue();
        LogitScorer.Score([5f, 5f, 1f], 1, scratch).Hit.Should().BeFalse();
        LogitScorer.Score([5f, 5f, 1f], 1, scratch).Surprisal.Should().BeApproximately(Math.Log(2 + Math.Exp(-4)), 1e-6);

        var (hit, surprisal) = LogitScorer.Score([1000f, 0f, -1000f], 1, scratch);
        hit.Should().BeFalse();
        surprisal.Should().BeApproximately(1000, 1e-3);
    }

    [Fact]
    public void Evaluation_averages_hand_computed_rows()
    {
        // Two blocks (one exit level), n_embd 2, vocab 2, head = identity matrix: logits are the hidden values.
        var head = new ProjectionHead([1, 0, 0, 1], nEmbd: 2, nVocab: 2);
        float[] level0 = [3, 1, /**/ 0, 2, /**/ 1, 1];      // argmax 0, 1, 0 (tie → first)
        float[] level1 = [2, 0, /**/ 0, 1, /**/ 0, 4];      // the "full model": argmax 0, 1, 1
        var samples = new ArrayEvalSamples([level0, level1], 2, top1: [0, 1, 1]);
        var set = EvalFixtures.Set(2, 2, [EvalFixtures.IdentityJump(2)], joint: null, ojfa: 0);

        var result = new JumpEvaluator(head, EvalSettings.Default with { Threads = 1 }).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        // level 0: hits on rows 0 and 1; surprisals ln(1+e^-2), ln(1+e^-2), ln 2
        double s = Math.Log(1 + Math.Exp(-2));
        result.Identity.Precision.Should().Equal(2.0 / 3);
        result.Identity.Surprisal[0].Should().BeApproximately((s + s + Math.Log(2)) / 3, 1e-6);
        result.Sanity.Precision.Should().Be(1.0);
        result.Sanity.Surprisal.Should().BeApproximately((Math.Log(1 + Math.Exp(-2)) + Math.Log(1 + Math.Exp(-1)) + Math.Log(1 + Math.Exp(-4))) / 3, 1e-6);
        result.ExitLevels.Should().Equal(0);
        result.Nnjtc!.Precision.Should().Equal(result.Identity.Precision, "an exact identity jump changes nothing");
        result.Nnjtc.Surprisal[0].Should().Be(result.Identity.Surprisal[0]);
    }

    [Fact]
    public void Identity_at_the_last_level_has_precision_one_and_the_lowest_surprisal()
    {
        var head = ProjectionHead.Random(nEmbd: 16, nVocab: 40, seed: 3);
        var samples = EvalFixtures.Samples(head, nLayer: 6, count: 300, seed: 4);
        var set = EvalFixtures.RandomSet(6, 16, rank: 3, ojfa: 2, seed: 10);

        var result = new JumpEvaluator(head, EvalSettings.Default).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        result.Sanity.Level.Should().Be(5);
        result.Sanity.Precision.Should().Be(1.0);
        result.Sanity.Surprisal.Should().BeApproximately(result.Sanity.DumpSurprisal, 1e-5);
        foreach (var (name, scores) in result.Methods)
        {
            scores.Surprisal.Should().OnlyContain(s => s > result.Sanity.Surprisal, $"{name} is worse than the full model");
            scores.Precision.Should().OnlyContain(p => p <= 1.0);
        }
        result.Identity.Precision.Should().BeInAscendingOrder("less noise, closer to the last block");
        result.Identity.Surprisal.Should().BeInDescendingOrder();
    }

    [Fact]
    public void N_njtc_and_ojfa_are_the_matching_arbitrary_jumps_and_the_mean_and_range_summarise_them()
    {
        var head = ProjectionHead.Random(nEmbd: 12, nVocab: 30, seed: 5);
        var samples = EvalFixtures.Samples(head, nLayer: 5, count: 120, seed: 6);
        var set = EvalFixtures.RandomSet(5, 12, rank: 2, ojfa: 1, seed: 20);

        var result = new JumpEvaluator(head, EvalSettings.Default).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        result.Arbitrary.Keys.Should().Equal(0, 1, 2, 3);
        result.Ojfa!.Precision.Should().Equal(result.Arbitrary[1].Precision);
        result.Ojfa.Surprisal.Should().Equal(result.Arbitrary[1].Surprisal);
        for (int k = 0; k < 4; k++)
        {
            result.Nnjtc!.Precision[k].Should().Be(result.Arbitrary[k].Precision[k]);
            result.Nnjtc.Surprisal[k].Should().Be(result.Arbitrary[k].Surprisal[k]);
            var atK = result.Arbitrary.Values.Select(s => s.Precision[k]).ToList();
            result.ArbitraryMean!.Precision[k].Should().BeApproximately(atK.Average(), 1e-12);
            result.ArbitraryRange!.Precision.Min[k].Should().Be(atK.Min());
            result.ArbitraryRange.Precision.Max[k].Should().Be(atK.Max());
            result.ArbitraryRange.Surprisal.Max[k].Should().Be(result.Arbitrary.Values.Max(s => s.Surprisal[k]));
        }
        result.Joint.Should().NotBeNull();
        result.Methods.Select(m => m.Name).Should().Equal("identity", "nnjtc", "ojfa", "joint", "arbitrary_mean");
    }

    [Fact]
    public void Each_distinct_jump_goes_through_the_head_once_per_level()
    {
        var head = ProjectionHead.Random(nEmbd: 8, nVocab: 10, seed: 7);
        var samples = EvalFixtures.Samples(head, nLayer: 4, count: 50, seed: 8);
        head = new ProjectionHead(head.Weights, 8, 10);
        var set = EvalFixtures.RandomSet(4, 8, rank: 2, ojfa: 0, seed: 30);
        var evaluator = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Everything, BatchRows: 50));

        var plan = evaluator.Plan(samples, set);
        evaluator.Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        // per exit level: identity, joint, jumps 0, 1, 2 (N-NJTC and OJFA are among them); level L−1: identity
        plan.HeadVectors.Should().Be((3 * 5 + 1) * 50);
        head.Rows.Should().Be(plan.HeadVectors);
        head.Calls.Should().Be(3 * 5 + 1);
    }

    [Fact]
    public void An_ojfa_only_set_gives_identity_and_ojfa_only()
    {
        var head = ProjectionHead.Random(nEmbd: 8, nVocab: 12, seed: 9);
        var samples = EvalFixtures.Samples(head, nLayer: 4, count: 40, seed: 10);
        var set = EvalFixtures.Set(4, 8, [null, EvalFixtures.RandomJump(8, 2, 1), null], joint: null, ojfa: 1);

        var result = new JumpEvaluator(head, EvalSettings.Default).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        result.Methods.Select(m => m.Name).Should().Equal("identity", "ojfa");
        result.Nnjtc.Should().BeNull();
        result.Joint.Should().BeNull();
        result.Arbitrary.Should().BeEmpty();
        result.ArbitraryMean.Should().BeNull();
        result.ArbitraryRange.Should().BeNull();
        var explicitOther = () => new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Parse("list:0"))).Plan(samples, set);
        explicitOther.Should().Throw<EvaluationException>().WithMessage("*does not hold jump 0*");
        new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Sample(2))).Plan(samples, set).Arbitrary
            .Should().BeEmpty("a sample, like all, compares jumps with each other: nothing to compare with only OJFA's jump");
    }

    [Fact]
    public void A_sample_of_two_plans_exactly_two_arbitrary_jumps_including_ojfa()
    {
        var head = ProjectionHead.Random(nEmbd: 8, nVocab: 12, seed: 19);
        var samples = EvalFixtures.Samples(head, nLayer: 8, count: 20, seed: 20);
        var set = EvalFixtures.RandomSet(8, 8, rank: 2, ojfa: 5, seed: 80);
        var evaluator = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Sample(2, seed: 3)));

        var plan = evaluator.Plan(samples, set);
        var result = evaluator.Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        plan.Arbitrary.Should().HaveCount(2).And.Contain(5).And.BeInAscendingOrder();
        plan.ArbitrarySample.Should().Be(new ArbitrarySample(2, 7, 3));
        plan.Nnjtc.Should().BeTrue("N-NJTC and OJFA are their own methods whatever the sample");
        plan.Ojfa.Should().BeTrue();
        int other = plan.Arbitrary.Single(m => m != 5);
        for (int k = 0; k < 7; k++)
        {
            // identity, joint, N-NJTC's jump k, OJFA's jump 5 and the other sampled jump, each once
            plan.Keys[k].Should().BeEquivalentTo(new[] { -1, -2, k, 5, other }.Distinct());
        }
        result.Arbitrary.Keys.Should().Equal(plan.Arbitrary);
        result.ArbitrarySample.Should().Be(plan.ArbitrarySample);
        evaluator.Plan(samples, set).Arbitrary.Should().Equal(plan.Arbitrary, "the sample is deterministic");

        var whole = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Sample(7))).Plan(samples, set);
        whole.Arbitrary.Should().Equal(0, 1, 2, 3, 4, 5, 6);
        whole.ArbitrarySample.Should().BeNull("a sample of every jump is all of them");
        new JumpEvaluator(head, EvalSettings.Default).Plan(samples, set).Arbitrary.Should().Equal(whole.Arbitrary,
            "the default sample of 8 is every jump of an 8-block model");
    }

    [Fact]
    public void Arbitrary_rows_limit_only_the_arbitrary_only_jumps_to_the_first_test_samples()
    {
        var head = ProjectionHead.Random(nEmbd: 8, nVocab: 12, seed: 13);
        var samples = EvalFixtures.Samples(head, nLayer: 5, count: 50, seed: 14);
        var set = EvalFixtures.RandomSet(5, 8, rank: 2, ojfa: 3, seed: 41);
        var everything = ArbitrarySelection.Everything;

        // batches of 7 do not align with the cap of 20: the cap must cut inside a batch
        var capped = new JumpEvaluator(head, new EvalSettings(everything, BatchRows: 7, ArbitraryRows: 20));
        var plan = capped.Plan(samples, set);
        var result = capped.Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        var full = new JumpEvaluator(head, new EvalSettings(everything, ArbitraryRows: null)).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        var first20 = new JumpEvaluator(head, new EvalSettings(everything, ArbitraryRows: null)).Evaluate(new FirstSamples(samples, 20), set, cancellation: TestContext.Current.CancellationToken);

        // per exit level: identity, joint, jump k (N-NJTC), jump 3 (OJFA) on 50; the other arbitrary jumps on 20
        long expected = 0;
        for (int k = 0; k < 4; k++)
            expected += 50L * (k == 3 ? 3 : 4) + 20L * (k == 3 ? 3 : 2);
        plan.HeadVectors.Should().Be(expected + 50);
        result.ArbitraryRows.Should().Be(20);
        result.Nnjtc!.Precision.Should().Equal(full.Nnjtc!.Precision);
        result.Ojfa!.Surprisal.Should().Equal(full.Ojfa!.Surprisal);
        result.Identity.Precision.Should().Equal(full.Identity.Precision);
        foreach (int m in new[] { 0, 1, 2 })
        {
            for (int k = 0; k < 4; k++)
            {
                var expectedScores = k == m || m == 3 ? full.Arbitrary[m] : first20.Arbitrary[m];
                result.Arbitrary[m].Precision[k].Should().Be(expectedScores.Precision[k], $"jump {m} at level {k}");
                result.Arbitrary[m].Surprisal[k].Should().BeApproximately(expectedScores.Surprisal[k], 1e-12);
            }
        }
        full.ArbitraryRows.Should().BeNull();
    }

    /// <summary>The first <paramref name="count"/> samples of <paramref name="inner"/>.</summary>
    private sealed class FirstSamples(IEvalSamples inner, int count) : IEvalSamples
    {
        public int Count => count;
        public int NLayer => inner.NLayer;
        public int NEmbd => inner.NEmbd;
        public int Top1(int row) => inner.Top1(row);
        public float Top1LogProb(int row) => inner.Top1LogProb(row);
        public void ReadRows(int block, int firstRow, Span<float> destination) => inner.ReadRows(block, firstRow, destination);
    }

    [Fact]
    public void Arbitrary_choices_can_be_restricted_or_skipped()
    {
        var head = ProjectionHead.Random(nEmbd: 8, nVocab: 12, seed: 11);
        var samples = EvalFixtures.Samples(head, nLayer: 5, count: 30, seed: 12);
        var set = EvalFixtures.RandomSet(5, 8, rank: 2, ojfa: 3, seed: 40);

        var some = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Parse("2, 0"))).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        some.Arbitrary.Keys.Should().Equal(0, 2);
        some.ArbitraryMean!.Precision[1].Should().BeApproximately((some.Arbitrary[0].Precision[1] + some.Arbitrary[2].Precision[1]) / 2, 1e-12);

        var none = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Nothing)).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        none.Arbitrary.Should().BeEmpty();
        none.ArbitraryMean.Should().BeNull();
        none.Nnjtc.Should().NotBeNull();
        none.Ojfa!.Precision.Should().Equal(some.Ojfa!.Precision);

        var outOfRange = () => new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Parse("list:4"))).Plan(samples, set);
        outOfRange.Should().Throw<EvaluationException>().WithMessage("*no jump 4*");
    }

    [Theory]
    [InlineData("all", true, new int[0])]
    [InlineData(" none ", false, new int[0])]
    [InlineData("5,0,3,3", false, new[] { 0, 3, 5 })]
    [InlineData("list:3", false, new[] { 3 })]
    [InlineData("LIST: 4, 1", false, new[] { 1, 4 })]
    public void Arbitrary_selections_parse(string text, bool all, int[] jumps)
    {
        var selection = ArbitrarySelection.Parse(text);
        selection.All.Should().Be(all);
        selection.Jumps.Should().Equal(jumps);
        selection.IsSample.Should().BeFalse();
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData(" 8 ", 8)]
    [InlineData("31", 31)]
    public void A_bare_positive_integer_is_a_sample_size(string text, int size)
    {
        var selection = ArbitrarySelection.Parse(text);
        selection.IsSample.Should().BeTrue();
        selection.SampleSize.Should().Be(size);
        selection.Seed.Should().Be(0);
        selection.All.Should().BeFalse();
        selection.IsNone.Should().BeFalse();
        selection.Jumps.Should().BeEmpty();
        selection.WithSeed(9).Seed.Should().Be(9);
        selection.WithSeed(9).SampleSize.Should().Be(size);
        var list = ArbitrarySelection.Parse("0,3").WithSeed(9);
        list.Jumps.Should().Equal(0, 3);
        list.IsSample.Should().BeFalse("a list has no seed");
        ArbitrarySelection.Default.SampleSize.Should().Be(ArbitrarySelection.DefaultSample);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1,,2")]
    [InlineData("3,")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("+3")]
    [InlineData("list:")]
    [InlineData("list:-1")]
    [InlineData("some")]
    public void Bad_arbitrary_selections_are_refused(string text)
    {
        var parse = () => ArbitrarySelection.Parse(text);
        parse.Should().Throw<FormatException>();
    }

    [Fact]
    public void Results_do_not_depend_on_threads_or_batch_size()
    {
        var head = ProjectionHead.Random(nEmbd: 10, nVocab: 20, seed: 13);
        var samples = EvalFixtures.Samples(head, nLayer: 4, count: 101, seed: 14);
        var set = EvalFixtures.RandomSet(4, 10, rank: 2, ojfa: 1, seed: 50);

        var a = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Everything, BatchRows: 1, Threads: 1)).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        var b = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Everything, BatchRows: 7, Threads: 4)).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        foreach (var ((name, x), (_, y)) in a.Methods.Zip(b.Methods))
        {
            y.Precision.Should().Equal(x.Precision, name);
            y.Surprisal.Should().Equal(x.Surprisal, name);
        }
    }

    [Fact]
    public void Mismatched_inputs_and_non_finite_logits_are_one_line_errors()
    {
        var head = ProjectionHead.Random(nEmbd: 4, nVocab: 6, seed: 15);
        var samples = EvalFixtures.Samples(head, nLayer: 3, count: 10, seed: 16);
        var set = EvalFixtures.RandomSet(3, 4, rank: 1, ojfa: 0, seed: 60);

        var wideHead = () => new JumpEvaluator(ProjectionHead.Random(5, 6, 1), EvalSettings.Default).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);
        wideHead.Should().Throw<EvaluationException>().WithMessage("*n_embd 5*n_embd 4*");

        var otherSet = () => new JumpEvaluator(head, EvalSettings.Default).Evaluate(samples, EvalFixtures.RandomSet(4, 4, 1, 0, 1), cancellation: TestContext.Current.CancellationToken);
        otherSet.Should().Throw<EvaluationException>().WithMessage("*4 blocks*3 blocks*");

        var smallVocab = new ArrayEvalSamples([new float[4], new float[4], new float[4]], 4, top1: [6]);
        var outside = () => new JumpEvaluator(head, EvalSettings.Default).Evaluate(smallVocab, set, cancellation: TestContext.Current.CancellationToken);
        outside.Should().Throw<EvaluationException>().WithMessage("*top-1 token 6 is outside*vocabulary of 6*");

        float[] bad = new float[8];
        bad[5] = float.NaN;
        var nan = new ArrayEvalSamples([new float[8], bad, new float[8]], 4, top1: [0, 0]);
        var nonFinite = () => new JumpEvaluator(head, EvalSettings.Default).Evaluate(nan, set, cancellation: TestContext.Current.CancellationToken);
        nonFinite.Should().Throw<EvaluationException>().WithMessage("*level 1*non-finite*test row 1*");
    }

    [Fact]
    public void The_plan_counts_progress_to_the_end()
    {
        var head = ProjectionHead.Random(nEmbd: 6, nVocab: 8, seed: 17);
        var samples = EvalFixtures.Samples(head, nLayer: 3, count: 25, seed: 18);
        var set = EvalFixtures.RandomSet(3, 6, rank: 2, ojfa: 1, seed: 70);
        var evaluator = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Everything, BatchRows: 10));
        long seen = 0;

        var result = evaluator.Evaluate(samples, set, rows => seen += rows, cancellation: TestContext.Current.CancellationToken);

        seen.Should().Be(evaluator.Plan(samples, set).HeadVectors);
        result.Throughput.HeadVectors.Should().Be(seen);
    }

    [Fact]
    public void Parameter_counts_follow_the_paper()
    {
        var gpt2xl = LlamaJump.Shortcuts.Reports.ParameterCounts.For(hidden: 1600, rank: 16, nLayer: 48);
        gpt2xl.PerJump.Should().Be(57_600);
        gpt2xl.PaperMultiJumpTotal.Should().Be(2_764_800);
        gpt2xl.MultiJumpTotal.Should().Be(47 * 57_600L);
        gpt2xl.Reduction.Should().Be(47);
        LlamaJump.Shortcuts.Reports.ParameterCounts.For(4096, 40, 32).PerJump.Should().Be(JumpWeights.ParameterCountFor(4096, 40)).And.Be(344_064);
    }
}
