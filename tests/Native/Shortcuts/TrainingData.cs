using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>Synthetic hidden states built in code for the training and scoring tests.</summary>
internal static class TrainingData
{
    /// <summary>
    /// <paramref name="layers"/> blocks of <paramref name="count"/> rows of width <paramref name="hidden"/>. The target
    /// (the last block) is u·M for a latent u of <paramref name="rank"/> numbers per sample; block
    /// <paramref name="exact"/> is u·P + o, an exact rank-r linear (plus offset) map of the same latent, so a jump
    /// BatchNorm·A·B can reproduce the target from it; every other block is 0.3·u·P_k plus unit noise.
    /// </summary>
    public static InMemoryJumpRows ExactLevel(int layers, int hidden, int rank, int count, int exact, ulong seed = 5)
    {
        var random = new SplitMix64(seed);
        float Next() => (float)((random.Next() >> 40) * (1.0 / (1 << 24)) * 2 - 1) * 1.7320508f;
        float[] Matrix(int n) => Enumerable.Range(0, n).Select(_ => Next()).ToArray();
        var latent = Matrix(count * rank);
        var blocks = new float[layers][];
        for (int b = 0; b < layers; b++)
        {
            var map = Matrix(rank * hidden);
            var offset = Matrix(hidden);
            bool clean = b == exact || b == layers - 1;
            var block = new float[count * hidden];
            for (int i = 0; i < count; i++)
            {
                for (int e = 0; e < hidden; e++)
                {
                    float signal = 0;
                    for (int q = 0; q < rank; q++)
                        signal += latent[i * rank + q] * map[q * hidden + e];
                    block[i * hidden + e] = clean ? signal + (b == exact ? 2 * offset[e] : 0) : 0.3f * signal + Next();
                }
            }
            blocks[b] = block;
        }
        return new InMemoryJumpRows(blocks, hidden, "synthetic rows");
    }

    /// <summary>Rows of smooth made-up values (no structure to learn, but deterministic).</summary>
    public static InMemoryJumpRows Smooth(int layers, int hidden, int count) =>
        new(Enumerable.Range(0, layers).Select(b => Enumerable.Range(0, count * hidden)
            .Select(j => (float)Math.Sin(0.37 * j + 1.3 * b) * (1 + b) + 0.1f * (j % 7)).ToArray()).ToArray(), hidden, "smooth rows");

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    public static double MeanSquaredNorm(IJumpRows rows, int block)
    {
        var row = new float[rows.NEmbd];
        double sum = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            rows.ReadRow(block, i, row);
            sum += row.Sum(v => (double)v * v);
        }
        return sum / rows.Count;
    }
}
