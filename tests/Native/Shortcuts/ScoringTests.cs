using AwesomeAssertions;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Scoring;
using LlamaJump.Shortcuts.Training;
using Xunit;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>JumpScorer (TorchSharp, batched) against JumpScoreReference (plain C#, JumpWeights.Apply and
/// TensorPrimitives) and the hand-computed case.</summary>
[Collection(TrainingCollection.Name)]
public sealed class ScoringTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_hand_computed_case_gives_D_0375_and_025()
    {
        var (rows, jumps) = HandCase();

        var scores = JumpScorer.Score(rows, jumps, cancellation: Ct);

        scores.D[0].Should().BeApproximately(0.375, 1e-12);
        scores.D[1].Should().BeApproximately(0.25, 1e-12);
        scores.Ojfa.Should().Be(0);
    }

    [Theory]
    [InlineData(7)]     // several chunks, last one short
    [InlineData(1000)]  // one chunk
    public void Torch_scores_equal_the_plain_reference(int chunkRows)
    {
        var rows = RandomRows(layers: 5, hidden: 24, count: 50, seed: 3);
        var jumps = Enumerable.Range(0, 4).Select(m => RandomJump(24, 3, (ulong)(100 + m))).ToArray();

        var torch = JumpScorer.Score(rows, jumps, chunkRows, Ct);
        var reference = JumpScoreReference.Score(rows, jumps);

        double maxDifference = torch.D.Zip(reference.D, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"max |D_torch − D_reference| = {maxDifference:G3}");
        maxDifference.Should().BeLessThan(1e-5, $"torch D = [{string.Join(", ", torch.D)}], reference D = [{string.Join(", ", reference.D)}]");
        torch.Ojfa.Should().Be(reference.Ojfa);
        torch.D.Should().OnlyContain(d => d >= -1 && d <= 1);
    }

    internal static (InMemoryJumpRows Rows, JumpWeights[] Jumps) HandCase()
    {
        // Blocks 0 and 1 are exit levels, block 2 the target. Jump 0 keeps x0, jump 1 keeps x1 (BatchNorm the identity).
        var rows = new InMemoryJumpRows([[1, 1, -1, 2], [2, -1, 0, 3], [1, 0, 1, 1]], 2, "hand case");
        JumpWeights Keep(int e) => new(2, 1, [1, 1], [0, 0], [0, 0], [1, 1], e == 0 ? [1, 0] : [0, 1], e == 0 ? [1, 0] : [0, 1], eps: 0);
        return (rows, [Keep(0), Keep(1)]);
    }

    private static InMemoryJumpRows RandomRows(int layers, int hidden, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        return new InMemoryJumpRows(Enumerable.Range(0, layers).Select(_ => Enumerable.Range(0, count * hidden)
            .Select(_ => (float)((random.Next() >> 40) * (1.0 / (1 << 24)) * 4 - 2)).ToArray()).ToArray(), hidden);
    }

    private static JumpWeights RandomJump(int h, int r, ulong seed)
    {
        var random = new SplitMix64(seed);
        float[] Values(int n, double low, double high) => Enumerable.Range(0, n)
            .Select(_ => (float)(low + (random.Next() >> 40) * (1.0 / (1 << 24)) * (high - low))).ToArray();
        return new JumpWeights(h, r, Values(h, 0.5, 1.5), Values(h, -0.2, 0.2), Values(h, -0.5, 0.5), Values(h, 0.5, 2),
            Values(h * r, -0.5, 0.5), Values(r * h, -0.5, 0.5));
    }
}
