using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>A stand-in for a model's output head: optional RMS norm, then a fixed projection W [n_vocab][n_embd]
/// (logits = W·x). Plain float loops, row by row, so a row's logits never depend on its batch.</summary>
internal sealed class ProjectionHead(float[] weights, int nEmbd, int nVocab, bool rmsNorm = false) : IHead
{
    public int NEmbd => nEmbd;
    public int NVocab => nVocab;
    public float[] Weights => weights;
    public bool RmsNorm => rmsNorm;
    public int Calls { get; private set; }
    public long Rows { get; private set; }

    public void Apply(ReadOnlySpan<float> hidden, int rows, Span<float> logits)
    {
        Calls++;
        Rows += rows;
        var x = new float[nEmbd];
        for (int i = 0; i < rows; i++)
        {
            hidden.Slice(i * nEmbd, nEmbd).CopyTo(x);
            if (rmsNorm)
            {
                float sum = 0;
                foreach (float v in x) sum += v * v;
                float scale = 1f / MathF.Sqrt(sum / nEmbd + 1e-6f);
                for (int j = 0; j < nEmbd; j++) x[j] *= scale;
            }
            for (int t = 0; t < nVocab; t++)
            {
                float dot = 0;
                for (int j = 0; j < nEmbd; j++) dot += weights[t * nEmbd + j] * x[j];
                logits[i * nVocab + t] = dot;
            }
        }
    }

    public static ProjectionHead Random(int nEmbd, int nVocab, int seed, bool rmsNorm = false)
    {
        var random = new Random(seed);
        var w = new float[nVocab * nEmbd];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() * 2 - 1);
        return new ProjectionHead(w, nEmbd, nVocab, rmsNorm);
    }
}

/// <summary>Synthetic evaluation data and jump sets.</summary>
internal static class EvalFixtures
{
    /// <summary>L blocks of <paramref name="count"/> rows: the last block h^{L−1} is random, block k is h^{L−1} plus
    /// noise growing with the distance to the last block; the top-1 of each row is argmax head(h^{L−1}), the log-prob
    /// its log-softmax there (so identity at the last level is the "full model").</summary>
    public static ArrayEvalSamples Samples(ProjectionHead head, int nLayer, int count, int seed, double noise = 0.6)
    {
        int h = head.NEmbd, v = head.NVocab;
        var random = new Random(seed);
        var blocks = new float[nLayer][];
        blocks[nLayer - 1] = Enumerable.Range(0, count * h).Select(_ => (float)Gaussian(random)).ToArray();
        for (int k = 0; k < nLayer - 1; k++)
        {
            double scale = noise * (nLayer - 1 - k);
            blocks[k] = blocks[nLayer - 1].Select(x => (float)(x + scale * Gaussian(random))).ToArray();
        }
        var logits = new float[count * v];
        head.Apply(blocks[nLayer - 1], count, logits);
        var top1 = new int[count];
        var logProb = new float[count];
        for (int i = 0; i < count; i++)
        {
            var row = logits.AsSpan(i * v, v);
            int best = 0;
            for (int t = 1; t < v; t++) if (row[t] > row[best]) best = t;
            double max = row[best], sum = 0;
            foreach (float x in row) sum += Math.Exp(x - max);
            top1[i] = best;
            logProb[i] = (float)-Math.Log(sum);
        }
        return new ArrayEvalSamples(blocks, h, top1, logProb);
    }

    /// <summary>A random jump: BatchNorm with random γ, β, running statistics; A and B random, scaled so the output
    /// has a size like the input.</summary>
    public static JumpWeights RandomJump(int hidden, int rank, int seed)
    {
        var random = new Random(seed);
        float[] Values(int n, double lo, double hi) => Enumerable.Range(0, n).Select(_ => (float)(lo + (hi - lo) * random.NextDouble())).ToArray();
        return new JumpWeights(hidden, rank,
            Values(hidden, 0.5, 1.5), Values(hidden, -0.2, 0.2), Values(hidden, -0.3, 0.3), Values(hidden, 0.5, 2.0),
            Values(hidden * rank, -1, 1).Select(x => x / MathF.Sqrt(hidden)).ToArray(),
            Values(rank * hidden, -1, 1).Select(x => x * 2 / MathF.Sqrt(rank)).ToArray());
    }

    /// <summary>jump(h) = h exactly: BatchNorm with γ 1, β 0, mean 0, variance 1, eps 0; A = B = I (rank H).</summary>
    public static JumpWeights IdentityJump(int hidden)
    {
        var eye = new float[hidden * hidden];
        for (int i = 0; i < hidden; i++) eye[i * hidden + i] = 1;
        return new JumpWeights(hidden, hidden, Fill(hidden, 1), new float[hidden], new float[hidden], Fill(hidden, 1),
            eye, (float[])eye.Clone(), eps: 0);
    }

    public static JumpSet Set(int nLayer, int nEmbd, IReadOnlyList<JumpWeights?> levels, JumpWeights? joint, int ojfa,
        IReadOnlyList<double>? d = null)
    {
        var scores = d ?? Enumerable.Range(0, nLayer - 1).Select(m => m == ojfa ? 0.9 : 0.5 + 0.01 * m).ToList();
        double max = scores.Count == 0 ? 0 : scores.Max();
        var weights = scores.Select(x => Math.Exp((x - max) / JumpSet.SoftmaxTemperature)).ToList();
        double total = weights.Sum();
        return new JumpSet(
            new JumpIdentity(new string('a', 64), "llama", nLayer, nEmbd, "tiny.gguf", new string('c', 64), 1, 100),
            new TrainingSettings(levels.FirstOrDefault(l => l is not null)?.Rank ?? 1, 1, 16, 1e-3, 1, 0.1, 5, "batched"),
            levels, joint, ojfa, scores, weights.Select(w => w / total).ToList(), levels.Select(_ => 0.0).ToList());
    }

    /// <summary>A full set: a random jump per level (rank <paramref name="rank"/>), a random joint jump.</summary>
    public static JumpSet RandomSet(int nLayer, int nEmbd, int rank, int ojfa, int seed) => Set(nLayer, nEmbd,
        Enumerable.Range(0, nLayer - 1).Select(m => (JumpWeights?)RandomJump(nEmbd, rank, seed + m)).ToList(),
        RandomJump(nEmbd, rank, seed + 100), ojfa);

    private static float[] Fill(int n, float value) => Enumerable.Repeat(value, n).ToArray();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
