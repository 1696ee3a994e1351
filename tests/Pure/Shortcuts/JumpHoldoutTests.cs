using AwesomeAssertions;
using LlamaJump.Shortcuts.Training;
using Xunit;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>The seeded validation hold-out, the epoch orders and the initial weights.</summary>
public sealed class JumpHoldoutTests
{
    [Fact]
    public void The_holdout_splits_the_rows_by_the_fraction_and_the_seed()
    {
        var holdout = JumpHoldout.Create(9000, 0.1, seed: 1, "rows");

        holdout.Validation.Should().HaveCount(900).And.BeInAscendingOrder();
        holdout.Train.Should().HaveCount(8100).And.BeInAscendingOrder();
        holdout.Train.Concat(holdout.Validation).Order().Should().Equal(Enumerable.Range(0, 9000));
        JumpHoldout.Create(9000, 0.1, 1, "rows").Validation.Should().Equal(holdout.Validation);
        JumpHoldout.Create(9000, 0.1, 2, "rows").Validation.Should().NotEqual(holdout.Validation);
    }

    [Theory]
    [InlineData(0.1, 3)]
    [InlineData(0.5, 4)]
    [InlineData(0.9, 16)]
    public void The_smallest_split_leaves_two_training_rows(double fraction, int minimum)
    {
        JumpHoldout.MinimumCount(fraction).Should().Be(minimum);
        JumpHoldout.Create(minimum, fraction, 1, "rows").Train.Should().HaveCount(JumpHoldout.MinimumTrainRows);
        FluentActions.Invoking(() => JumpHoldout.Create(minimum - 1, fraction, 1, "dump d (train split)"))
            .Should().Throw<JumpTrainingException>()
            .WithMessage($"dump d (train split) has {minimum - 1} samples: too few for BatchNorm*need at least {minimum} samples)");
    }

    [Fact]
    public void Permutations_are_seeded_and_complete()
    {
        var order = JumpShuffle.Permutation(1000, 5);

        order.Order().Should().Equal(Enumerable.Range(0, 1000));
        JumpShuffle.Permutation(1000, 5).Should().Equal(order);
        JumpShuffle.Permutation(1000, 6).Should().NotEqual(order);
        JumpShuffle.ForEpoch(1, 1).Should().NotBe(JumpShuffle.ForEpoch(1, 2));
        JumpShuffle.ForInit(1, 0).Should().NotBe(JumpShuffle.ForInit(1, JumpEpochReport.Joint));
    }

    [Fact]
    public void Initial_weights_are_uniform_within_the_bound()
    {
        var values = JumpShuffle.Uniform(10_000, 0.125, 9);

        values.Should().OnlyContain(v => v >= -0.125f && v < 0.125f);
        values.Average().Should().BeApproximately(0f, 0.005f);
        values.Max().Should().BeGreaterThan(0.12f);
        JumpShuffle.Uniform(10, 0.125, 9).Should().Equal(values.Take(10));
    }
}
