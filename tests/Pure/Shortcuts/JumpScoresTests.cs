using AwesomeAssertions;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Scoring;
using LlamaJump.Shortcuts.Training;
using Xunit;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>Eq. 4–5 on hand-computed cases, and the softmax of Figure 3 at T = 5e-4.</summary>
public sealed class JumpScoresTests
{
    [Theory]
    [InlineData(0.5, 0.25)]
    [InlineData(-0.5, -0.25)]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(-1.0, -1.0)]
    [InlineData(0.1, 0.01)]
    public void Signed_square_keeps_the_sign(double c, double expected) =>
        JumpScores.SignedSquare(c).Should().BeApproximately(expected, 1e-15);

    [Fact]
    public void Cosine_of_a_zero_vector_is_zero_and_others_are_clamped()
    {
        JumpScores.Cosine(0, 0, 4).Should().Be(0);
        JumpScores.Cosine(2, 1, 4).Should().Be(1);
        JumpScores.Cosine(-2.0000001, 1, 4).Should().Be(-1);
        JumpScoreReference.Cosine([0, 0], [1, 2]).Should().Be(0);
        JumpScoreReference.Cosine([1, 0], [1, 1]).Should().BeApproximately(Math.Sqrt(0.5), 1e-7);
    }

    [Fact]
    public void D_m_of_the_hand_computed_case()
    {
        // Exit levels 0 and 1 and the target block 2, two samples; jump 0 keeps x0, jump 1 keeps x1.
        //   sample 0: h0 = (1, 1), h1 = (2, −1), target (1, 0);  sample 1: h0 = (−1, 2), h1 = (0, 3), target (1, 1).
        //   jump 0: C = 1, 1, −1/√2, 0 (a zero output)  → sgn·C² = 1, 1, −0.5, 0 → D_0 = 1.5 / 4 = 0.375
        //   jump 1: C = 0, 0, 1/√2, 1/√2                → 0, 0, 0.5, 0.5     → D_1 = 1 / 4 = 0.25
        var rows = new InMemoryJumpRows([[1, 1, -1, 2], [2, -1, 0, 3], [1, 0, 1, 1]], 2, "hand case");
        JumpWeights Keep(int e) => new(2, 1, [1, 1], [0, 0], [0, 0], [1, 1], e == 0 ? [1, 0] : [0, 1], e == 0 ? [1, 0] : [0, 1], eps: 0);

        var scores = JumpScoreReference.Score(rows, [Keep(0), Keep(1)]);

        scores.D[0].Should().BeApproximately(0.375, 1e-7);
        scores.D[1].Should().BeApproximately(0.25, 1e-7);
        scores.Ojfa.Should().Be(0);
        scores.Softmax[1].Should().BeApproximately(Math.Exp(-250) / (1 + Math.Exp(-250)), 1e-110);
        scores.Softmax[0].Should().Be(1.0);
    }

    [Fact]
    public void D_m_is_negative_when_the_jump_points_away()
    {
        // One exit level, one sample: the jump negates x0; the target is (1, 0) → C = −1 → D = −1.
        var rows = new InMemoryJumpRows([[3, 0], [1, 0]], 2, "negated");
        var negate = new JumpWeights(2, 1, [1, 1], [0, 0], [0, 0], [1, 1], [1, 0], [-1, 0], eps: 0);

        JumpScoreReference.Score(rows, [negate]).D[0].Should().BeApproximately(-1, 1e-7);
    }

    [Fact]
    public void Softmax_at_the_papers_temperature_by_hand()
    {
        // (D − max) / T = (−0.0005, 0, −0.0015) / 0.0005 = (−1, 0, −3)
        double[] d = [0.5, 0.5005, 0.499];
        double sum = Math.Exp(-1) + 1 + Math.Exp(-3);

        var p = JumpScores.SoftmaxOf(d, JumpScores.Temperature);

        p[0].Should().BeApproximately(Math.Exp(-1) / sum, 1e-12);
        p[1].Should().BeApproximately(1 / sum, 1e-12);
        p[2].Should().BeApproximately(Math.Exp(-3) / sum, 1e-12);
        JumpScores.Temperature.Should().Be(JumpSet.SoftmaxTemperature).And.Be(5e-4);
    }

    [Fact]
    public void Softmax_of_far_apart_scores_neither_overflows_nor_gives_NaN()
    {
        var p = JumpScores.SoftmaxOf([0.9, 0.1, -0.9], 5e-4);

        p.Should().Equal(1.0, 0.0, 0.0);
        JumpScores.SoftmaxOf([0.3, 0.3], 5e-4).Should().Equal(0.5, 0.5);
        JumpScores.SoftmaxOf([], 5e-4).Should().BeEmpty();
    }

    [Fact]
    public void Argmax_takes_the_first_of_equal_scores()
    {
        JumpScores.ArgMax([0.1, 0.7, 0.7, 0.2]).Should().Be(1);
        JumpScores.From([0.1, 0.7, 0.7]).Ojfa.Should().Be(1);
    }
}
