using AwesomeAssertions;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>The offline λ curve on a hand-computed case: 3 samples × 3 exit levels (L = 4 blocks).</summary>
public sealed class ExitCurveTests
{
    //           top probability at k = 0, 1, 2     argmax at k = 0, 1, 2   full model's top-1
    // sample 0: 0.35  0.65  0.92                   5  7  7                 7
    // sample 1: 0.83  0.25  0.55                   3  4  4                 4
    // sample 2: 0.15  0.42  0.47                   9  9  2                 2
    private static readonly ExitPredictions Predictions = new(3, 3,
        [0.35f, 0.65f, 0.92f, 0.83f, 0.25f, 0.55f, 0.15f, 0.42f, 0.47f],
        [5, 7, 7, 3, 4, 4, 9, 9, 2]);

    private static readonly int[] Targets = [7, 4, 2];

    [Fact]
    public void Every_block_a_candidate_matches_the_hand_computed_curve()
    {
        var curve = ExitCurve.Compute(Predictions, Targets, [0, 1, 2], [0.05, 0.45, 0.5, 0.9, 2.0]);

        // λ 0.05: all exit at block 0 (1 block, 1 check), all three argmaxes there are wrong.
        // λ 0.45: s0 at 1 (2 blocks, 2 checks, right), s1 at 0 (1, 1, wrong), s2 at 2 (3, 3, right).
        // λ 0.5:  s0 at 1 (2, 2, right), s1 at 0 (1, 1, wrong), s2 never (4, 3, the full model).
        // λ 0.9:  s0 at 2 (3, 3, right), s1 and s2 never (4, 3).
        // λ 2:    never: 4 blocks, 3 checks, agreement 1.
        Expect(curve.Points[0], 1, 1, 0, [3, 0, 0, 0]);
        Expect(curve.Points[1], 2, 2, 2 / 3.0, [1, 1, 1, 0]);
        Expect(curve.Points[2], 7 / 3.0, 2, 2 / 3.0, [1, 1, 0, 1]);
        Expect(curve.Points[3], 11 / 3.0, 3, 1, [0, 0, 1, 2]);
        Expect(curve.Points[4], 4, 3, 1, [0, 0, 0, 3]);
        curve.Points.Select(p => p.Lambda).Should().Equal(0.05, 0.45, 0.5, 0.9, 2.0);
    }

    [Fact]
    public void Only_the_candidates_are_checked()
    {
        // Candidates 1, 2 (ExitCandidates.Default(4)), λ 0.5: s0 at 1 (2 blocks, 1 check, right), s1 at 2 (0.55;
        // 3 blocks, 2 checks, argmax 4 right), s2 never (4 blocks, 2 checks).
        var point = ExitCurve.Compute(Predictions, Targets, [1, 2], [0.5]).Points.Single();

        Expect(point, 3, 5 / 3.0, 1, [0, 1, 1, 1]);
    }

    [Fact]
    public void Top_probability_histograms_count_each_sample_once_per_level()
    {
        var curve = ExitCurve.Compute(Predictions, Targets, [0, 1, 2], [0.5]);

        curve.TopProbabilityHistogram.Should().HaveCount(3);
        curve.TopProbabilityHistogram[0].Should().Equal(0, 1, 0, 1, 0, 0, 0, 0, 1, 0); // 0.15, 0.35, 0.83
        curve.TopProbabilityHistogram[1].Should().Equal(0, 0, 1, 0, 1, 0, 1, 0, 0, 0); // 0.25, 0.42, 0.65
        curve.TopProbabilityHistogram[2].Should().Equal(0, 0, 0, 0, 1, 1, 0, 0, 0, 1); // 0.47, 0.55, 0.92
        ExitCurve.Compute(new ExitPredictions(1, 1, [1f], [0]), [0], [0], [0.5]).TopProbabilityHistogram[0][9]
            .Should().Be(1, "a probability of exactly 1 is in the last bin");
    }

    [Fact]
    public void The_default_grid_ends_with_a_lambda_that_never_exits()
    {
        ExitCurve.DefaultLambdas.Should().HaveCount(21);
        ExitCurve.DefaultLambdas[0].Should().Be(0.05);
        ExitCurve.DefaultLambdas[^2].Should().Be(0.99);
        ExitCurve.DefaultLambdas[^1].Should().BeGreaterThan(1);
    }

    private static void Expect(ExitCurvePoint point, double blocks, double checks, double agreement, int[] histogram)
    {
        point.BlocksPerToken.Should().BeApproximately(blocks, 1e-12, $"blocks per token at λ {point.Lambda}");
        point.ChecksPerToken.Should().BeApproximately(checks, 1e-12, $"checks per token at λ {point.Lambda}");
        point.Agreement.Should().BeApproximately(agreement, 1e-12, $"agreement at λ {point.Lambda}");
        point.ExitHistogram.Should().Equal(histogram, $"exit histogram at λ {point.Lambda}");
    }
}
