using AwesomeAssertions;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;
using Xunit;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>The paper's parameter arithmetic (section 4) and the default rank.</summary>
public sealed class JumpParameterCountsTests
{
    [Theory]
    [InlineData(1600, 48, 16, 57_600, "57.6K", 2_764_800, "2.76M")]     // GPT2-XL
    [InlineData(3072, 32, 30, 196_608, "196.6K", 6_291_456, "6.29M")]   // Phi3-Mini
    [InlineData(4096, 32, 40, 344_064, "344.06K", 11_010_048, "11.01M")] // Llama2-7B
    public void The_papers_counts_are_reproduced(int hidden, int layers, int rank, long perJump, string perJumpText, long multi, string multiText)
    {
        JumpRank.Default(hidden).Should().Be(rank, "the paper's rank is ⌊H/100⌋");
        var counts = JumpParameterCounts.For(hidden, layers, rank);

        counts.PerJump.Should().Be(perJump).And.Be(JumpWeights.ParameterCountFor(hidden, rank));
        (counts.A + counts.B + counts.BatchNorm).Should().Be(perJump);
        counts.PaperMulti.Should().Be(multi);
        counts.LlamaJumpMulti.Should().Be(multi - perJump, "LlamaJump trains L − 1 jumps");
        counts.Single.Should().Be(perJump);
        JumpParameterCounts.Compact(counts.PerJump).Should().Be(perJumpText);
        JumpParameterCounts.Compact(counts.PaperMulti).Should().Be(multiText);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(1_000, "1K")]
    [InlineData(1_280, "1.28K")]
    [InlineData(5_120, "5.12K")]
    [InlineData(2_707_200, "2.7M")]
    [InlineData(1_999_999, "1.99M")]
    public void Compact_cuts_to_two_decimals(long count, string expected) =>
        JumpParameterCounts.Compact(count).Should().Be(expected);

    [Theory]
    [InlineData(64, 8)]     // stories260K: the floor
    [InlineData(288, 8)]    // ⌊2.88⌋ = 2 → the floor
    [InlineData(800, 8)]
    [InlineData(900, 9)]    // ⌊H/100⌋ from here on
    [InlineData(1600, 16)]
    [InlineData(8, 4)]      // tiny test widths: H/2
    [InlineData(2, 1)]
    public void Default_rank_is_the_papers_with_a_floor(int hidden, int rank)
    {
        JumpRank.Default(hidden).Should().Be(rank);
        JumpRank.IsFloored(hidden).Should().Be(rank != hidden / 100);
    }

    [Fact]
    public void The_default_rank_explains_itself()
    {
        JumpRank.Explain(4096).Should().Be("⌊H/100⌋, as the paper");
        JumpRank.Explain(64).Should().Be("the floor 8: the paper's ⌊H/100⌋ = 0 is too small for n_embd 64");
        JumpRank.Explain(8).Should().StartWith("n_embd/2:");
    }

    [Fact]
    public void A_rank_of_H_or_more_is_refused()
    {
        JumpRank.Check(63, 64).Should().Be(63);
        FluentActions.Invoking(() => JumpRank.Check(64, 64)).Should().Throw<JumpTrainingException>().WithMessage("rank 64 is not below n_embd 64*");
        FluentActions.Invoking(() => JumpRank.Check(0, 64)).Should().Throw<JumpTrainingException>();
        FluentActions.Invoking(() => JumpRank.Default(1)).Should().Throw<JumpTrainingException>();
    }
}
