using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>
/// Hidden states with Llama-2-like massive activations, and eq. 1–2 and D_m recomputed in double by direct difference.
/// </summary>
internal static class MassiveActivationData
{
    /// <summary>Dimensions that sit near a large constant in every block (value, spread across rows).</summary>
    public static readonly (int Dim, float Value, float Spread)[] Massive =
        [(3, 2500, 0.5f), (77, -1500, 0.3f), (200, 1100, 0.8f), (411, 650, 0.4f)];

    /// <summary>The one massive dimension that varies with the latent (value ± 25·u₀).</summary>
    public const int VaryingDim = 300;
    public const float VaryingValue = 900;

    /// <summary>
    /// <paramref name="layers"/> blocks of <paramref name="count"/> rows of width <paramref name="hidden"/> (≥ 512):
    /// every row is u·P_b (a latent u of <paramref name="latent"/> unit-variance numbers, a per-block map with entries
    /// of size ~1) plus the massive dimensions, plus noise: 0.05 in the target (the last block) and in block
    /// <paramref name="clean"/>, 1 in the others. So block <paramref name="clean"/> determines the target up to a
    /// rank-(latent + 1) map, and a jump's loss ends ~10⁵ times below ‖t‖².
    /// </summary>
    public static InMemoryJumpRows Rows(int layers, int hidden, int latent, int count, int clean, ulong seed = 21)
    {
        var random = new SplitMix64(seed);
        float Next() => (float)((random.Next() >> 40) * (1.0 / (1 << 24)) * 2 - 1) * 1.7320508f;
        var u = Enumerable.Range(0, count * latent).Select(_ => Next()).ToArray();
        var blocks = new float[layers][];
        for (int b = 0; b < layers; b++)
        {
            var map = Enumerable.Range(0, latent * hidden).Select(_ => Next()).ToArray();
            float noise = b == clean || b == layers - 1 ? 0.05f : 1f;
            var block = new float[count * hidden];
            for (int i = 0; i < count; i++)
            {
                var row = block.AsSpan(i * hidden, hidden);
                for (int e = 0; e < hidden; e++)
                {
                    float signal = 0;
                    for (int q = 0; q < latent; q++)
                        signal += u[i * latent + q] * map[q * hidden + e];
                    row[e] = signal + noise * Next();
                }
                foreach (var (dim, value, spread) in Massive)
                    row[dim] = value + spread * Next();
                row[VaryingDim] = VaryingValue + 25 * u[i * latent] + noise * Next();
            }
            blocks[b] = block;
        }
        return new InMemoryJumpRows(blocks, hidden, "massive-activation rows");
    }

    /// <summary>Eq. 2 in double for jump <paramref name="w"/> from block <paramref name="level"/> on the rows
    /// <paramref name="rowIndices"/>: mean over them of ‖BatchNorm(x)·A·B − t‖², the difference formed per element.
    /// BatchNorm in inference form (running statistics), or with <paramref name="batchStatistics"/> in training form:
    /// the mean and biased variance of these rows, as training normalises a batch holding exactly them.</summary>
    public static double Loss(IJumpRows rows, JumpWeights w, int level, int[] rowIndices, bool batchStatistics)
    {
        int h = rows.NEmbd, n = rowIndices.Length;
        var x = new double[n][];
        var t = new double[n][];
        var buffer = new float[h];
        for (int i = 0; i < n; i++)
        {
            rows.ReadRow(level, rowIndices[i], buffer);
            x[i] = buffer.Select(v => (double)v).ToArray();
            rows.ReadRow(rows.NLayer - 1, rowIndices[i], buffer);
            t[i] = buffer.Select(v => (double)v).ToArray();
        }
        var (mean, variance) = batchStatistics ? Statistics(x, h) : (Doubles(w.RunningMean), Doubles(w.RunningVar));
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var y = Jump(w, x[i], mean, variance);
            for (int e = 0; e < h; e++)
                sum += (y[e] - t[i][e]) * (y[e] - t[i][e]);
        }
        return sum / n;
    }

    /// <summary>D_m (eq. 4–5) in double: the mean over rows and exit levels of sgn(C)·C², C the cosine of
    /// BatchNorm(x)·A·B (inference form) and the target.</summary>
    public static double D(IJumpRows rows, JumpWeights w)
    {
        int h = rows.NEmbd, levels = rows.NLayer - 1;
        var (mean, variance) = (Doubles(w.RunningMean), Doubles(w.RunningVar));
        var buffer = new float[h];
        double sum = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            rows.ReadRow(rows.NLayer - 1, i, buffer);
            var t = Doubles(buffer);
            for (int k = 0; k < levels; k++)
            {
                rows.ReadRow(k, i, buffer);
                var y = Jump(w, Doubles(buffer), mean, variance);
                double dot = 0, yy = 0, tt = 0;
                for (int e = 0; e < h; e++)
                {
                    dot += y[e] * t[e];
                    yy += y[e] * y[e];
                    tt += t[e] * t[e];
                }
                double c = dot / Math.Sqrt(yy * tt);
                sum += c * Math.Abs(c);
            }
        }
        return sum / ((double)rows.Count * levels);
    }

    private static double[] Jump(JumpWeights w, double[] x, double[] mean, double[] variance)
    {
        int h = w.Hidden, r = w.Rank;
        var z = new double[r];
        for (int e = 0; e < h; e++)
        {
            double normalised = (x[e] - mean[e]) / Math.Sqrt(variance[e] + w.Eps) * w.Gamma[e] + w.Beta[e];
            for (int q = 0; q < r; q++)
                z[q] += normalised * w.A[e * r + q];
        }
        var y = new double[h];
        for (int q = 0; q < r; q++)
        {
            for (int e = 0; e < h; e++)
                y[e] += z[q] * w.B[q * h + e];
        }
        return y;
    }

    private static (double[] Mean, double[] Variance) Statistics(double[][] x, int h)
    {
        var mean = new double[h];
        var variance = new double[h];
        foreach (var row in x)
        {
            for (int e = 0; e < h; e++)
                mean[e] += row[e] / x.Length;
        }
        foreach (var row in x)
        {
            for (int e = 0; e < h; e++)
                variance[e] += (row[e] - mean[e]) * (row[e] - mean[e]) / x.Length;
        }
        return (mean, variance);
    }

    private static double[] Doubles(float[] values) => values.Select(v => (double)v).ToArray();
}
