using AwesomeAssertions;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>
/// The evaluation against an independent reference: the same numbers computed a second, deliberately naive way —
/// scalar loops in double precision, the jump written out from eq. 1 (BatchNorm in inference form, then ·A·B), the
/// head and log-softmax in double, one sample at a time, no TensorPrimitives, no batching, no reuse of jumps across
/// methods. Agreement to 1e-4 on every precision and surprisal.
/// </summary>
public sealed class EvaluationReferenceTests(ITestOutputHelper output)
{
    private const int NLayer = 5, NEmbd = 12, NVocab = 24, Rank = 3, Count = 80;

    [Fact]
    public void Every_method_at_every_level_agrees_with_a_naive_double_precision_reference()
    {
        var head = ProjectionHead.Random(NEmbd, NVocab, seed: 101, rmsNorm: true);
        var samples = EvalFixtures.Samples(head, NLayer, Count, seed: 102, noise: 0.4);
        var set = EvalFixtures.RandomSet(NLayer, NEmbd, Rank, ojfa: 2, seed: 103);

        var result = new JumpEvaluator(head, new EvalSettings(ArbitrarySelection.Everything, BatchRows: 32, Threads: 2)).Evaluate(samples, set, cancellation: TestContext.Current.CancellationToken);

        double worst = 0;
        void Compare(string what, MethodScores actual, Func<int, JumpWeights?> jumpAt)
        {
            for (int k = 0; k < NLayer - 1; k++)
            {
                var (precision, surprisal) = Reference(head, samples, k, jumpAt(k));
                actual.Precision[k].Should().BeApproximately(precision, 1e-9, $"{what} precision at level {k}");
                actual.Surprisal[k].Should().BeApproximately(surprisal, 1e-4, $"{what} surprisal at level {k}");
                worst = Math.Max(worst, Math.Abs(actual.Surprisal[k] - surprisal));
            }
        }
        Compare("identity", result.Identity, _ => null);
        Compare("nnjtc", result.Nnjtc!, k => set.Levels[k]);
        Compare("ojfa", result.Ojfa!, _ => set.Levels[2]);
        Compare("joint", result.Joint!, _ => set.Joint);
        foreach (var (m, scores) in result.Arbitrary)
        {
            Compare($"arbitrary {m}", scores, _ => set.Levels[m]);
        }
        for (int k = 0; k < NLayer - 1; k++)
        {
            double mean = Enumerable.Range(0, NLayer - 1).Average(m => Reference(head, samples, k, set.Levels[m]).Precision);
            result.ArbitraryMean!.Precision[k].Should().BeApproximately(mean, 1e-9);
        }
        var (lastPrecision, lastSurprisal) = Reference(head, samples, NLayer - 1, null);
        result.Sanity.Precision.Should().Be(lastPrecision).And.Be(1.0);
        result.Sanity.Surprisal.Should().BeApproximately(lastSurprisal, 1e-4);
        output.WriteLine($"max |surprisal - reference| = {worst:E2} over {result.Methods.Count + result.Arbitrary.Count} methods × {NLayer - 1} levels");
    }

    /// <summary>Mean precision and surprisal at level <paramref name="level"/> of head(jump(h)) (jump null: identity).</summary>
    private static (double Precision, double Surprisal) Reference(ProjectionHead head, ArrayEvalSamples samples, int level, JumpWeights? jump)
    {
        int hits = 0;
        double surprisal = 0;
        var row = new float[NEmbd];
        for (int i = 0; i < samples.Count; i++)
        {
            samples.ReadRows(level, i, row);
            double[] x = row.Select(v => (double)v).ToArray();
            if (jump is not null)
            {
                x = JumpInDouble(jump, x);
            }
            double[] logits = HeadInDouble(head, x);
            int best = 0;
            for (int t = 1; t < logits.Length; t++)
            {
                if (logits[t] > logits[best]) best = t;
            }
            double sum = 0;
            for (int t = 0; t < logits.Length; t++) sum += Math.Exp(logits[t] - logits[best]);
            double logSoftmaxTarget = logits[samples.Top1(i)] - logits[best] - Math.Log(sum);
            hits += best == samples.Top1(i) ? 1 : 0;
            surprisal += -logSoftmaxTarget;
        }
        return ((double)hits / samples.Count, surprisal / samples.Count);
    }

    /// <summary>eq. 1: BatchNorm(h)·A·B, BatchNorm = (h − mean)/√(var + eps)·γ + β.</summary>
    private static double[] JumpInDouble(JumpWeights jump, double[] h)
    {
        int n = jump.Hidden, r = jump.Rank;
        var normalized = new double[n];
        for (int j = 0; j < n; j++)
        {
            normalized[j] = (h[j] - jump.RunningMean[j]) / Math.Sqrt(jump.RunningVar[j] + (double)jump.Eps) * jump.Gamma[j] + jump.Beta[j];
        }
        var low = new double[r];
        for (int q = 0; q < r; q++)
        {
            for (int j = 0; j < n; j++) low[q] += normalized[j] * jump.A[j * r + q];
        }
        var output = new double[n];
        for (int j = 0; j < n; j++)
        {
            for (int q = 0; q < r; q++) output[j] += low[q] * jump.B[q * n + j];
        }
        return output;
    }

    private static double[] HeadInDouble(ProjectionHead head, double[] x)
    {
        if (head.RmsNorm)
        {
            double scale = 1 / Math.Sqrt(x.Sum(v => v * v) / x.Length + 1e-6);
            x = x.Select(v => v * scale).ToArray();
        }
        var logits = new double[head.NVocab];
        for (int t = 0; t < head.NVocab; t++)
        {
            for (int j = 0; j < x.Length; j++) logits[t] += head.Weights[t * x.Length + j] * x[j];
        }
        return logits;
    }
}
