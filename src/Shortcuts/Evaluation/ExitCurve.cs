using LlamaJump.Engine.Generation;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>One method's prediction head(s(h^k_i)) for every test sample i and exit level k = 0 … L−2, row-major
/// (index i·<see cref="Levels"/> + k): its top softmax probability and its argmax token.</summary>
public sealed record ExitPredictions(int Samples, int Levels, float[] TopProbability, int[] Argmax)
{
    public static ExitPredictions Create(int samples, int levels) =>
        new(samples, levels, new float[samples * levels], new int[samples * levels]);
}

/// <summary>One λ of the offline exit curve: the mean blocks run per token (k + 1 for an exit at block k, L when no
/// candidate exits), the mean candidate checks per token, the fraction of samples whose exit prediction equals the
/// full model's top-1, and how many samples exited at each block 0 … L−1 (L−1: no exit, the full model).</summary>
public sealed record ExitCurvePoint(double Lambda, double BlocksPerToken, double ChecksPerToken, double Agreement, IReadOnlyList<int> ExitHistogram);

/// <summary>A method's exit curve over the λ grid, and per exit level k = 0 … L−2 the histogram of its top softmax
/// probability in <see cref="ExitCurve.HistogramBins"/> equal bins of [0, 1] (bin b: [b/10, (b+1)/10), the last bin
/// closed).</summary>
public sealed record MethodExitCurve(IReadOnlyList<ExitCurvePoint> Points, IReadOnlyList<IReadOnlyList<int>> TopProbabilityHistogram);

/// <summary>
/// The early-exit rule of <c>generate --mode exit --lambda λ</c> replayed offline on the test split: a token exits at
/// the first candidate block k whose head(s(h^k)) top softmax probability is ≥ λ and emits that argmax; with no such
/// block the last block (the full model, which always agrees) produces it. <see cref="Candidates"/> are the online
/// mode's default candidates, <c>ExitCandidates.Default(L)</c>: blocks ⌊L/4⌋ … L−2. <see cref="Ojfa"/> uses the one
/// OJFA jump at every candidate, <see cref="Nnjtc"/> jump_k at block k; a method the jump set lacks is null.
/// </summary>
public sealed record ExitCurve(IReadOnlyList<int> Candidates, MethodExitCurve? Ojfa, MethodExitCurve? Nnjtc)
{
    public const int HistogramBins = 10;

    /// <summary>λ = 0.05 … 0.95 in steps of 0.05, 0.99, and 2 (never exits: L blocks per token, agreement 1).</summary>
    public static IReadOnlyList<double> DefaultLambdas { get; } =
        [.. Enumerable.Range(1, 19).Select(i => i / 20.0), 0.99, 2.0];

    /// <summary>The curve of one method from its <paramref name="predictions"/>, the full model's top-1
    /// <paramref name="targets"/> per sample, the candidate blocks (increasing, each in 0 … L−2) and the λ grid.</summary>
    public static MethodExitCurve Compute(ExitPredictions predictions, IReadOnlyList<int> targets, IReadOnlyList<int> candidates,
        IReadOnlyList<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(lambdas);
        int samples = predictions.Samples, levels = predictions.Levels;
        var recorded = ExitSamples.From(predictions, targets);
        var points = new List<ExitCurvePoint>(lambdas.Count);
        foreach (double lambda in lambdas)
        {
            var t = ExitRuleReplay.Run(recorded.TopProbability, recorded.Agrees, levels, candidates, lambda);
            double n = Math.Max(samples, 1);
            points.Add(new ExitCurvePoint(lambda, t.Blocks / n, t.Checks / n, t.Agreeing / n, t.ExitHistogram));
        }
        var bins = new List<IReadOnlyList<int>>(levels);
        for (int k = 0; k < levels; k++)
        {
            var counts = new int[HistogramBins];
            for (int i = 0; i < samples; i++)
            {
                counts[Bin(predictions.TopProbability[i * levels + k])]++;
            }
            bins.Add(counts);
        }
        return new MethodExitCurve(points, bins);
    }

    private static int Bin(float probability) =>
        float.IsNaN(probability) ? 0 : Math.Clamp((int)(probability * HistogramBins), 0, HistogramBins - 1);
}
