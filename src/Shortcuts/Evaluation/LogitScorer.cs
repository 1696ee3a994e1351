using System.Numerics.Tensors;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// Scores rows of logits against the full model's top-1 tokens: a hit when the row's argmax (the first index of the
/// maximum, as the dump's own top-1) is the target, and the surprisal −ln softmax(row)[target] = logsumexp(row) −
/// row[target], with logsumexp = max + ln Σ exp(x − max) (no overflow; the sum is of values in (0, 1]).
/// </summary>
public static class LogitScorer
{
    /// <summary>Scores one row; <paramref name="scratch"/> holds at least row.Length floats and is overwritten.</summary>
    public static (bool Hit, double Surprisal) Score(ReadOnlySpan<float> row, int target, Span<float> scratch)
    {
        var (hit, surprisal, _, _) = ScoreWithTop(row, target, scratch);
        return (hit, surprisal);
    }

    /// <summary>As <see cref="Score"/>, with the row's argmax and its softmax probability 1 / Σ exp(x − max).</summary>
    public static (bool Hit, double Surprisal, int Argmax, double TopProbability) ScoreWithTop(ReadOnlySpan<float> row, int target, Span<float> scratch)
    {
        if ((uint)target >= (uint)row.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, $"the target token is outside the vocabulary of {row.Length}");
        }
        var shifted = scratch[..row.Length];
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        double sum = TensorPrimitives.Sum<float>(shifted);
        double logSumExp = max + Math.Log(sum);
        int argmax = TensorPrimitives.IndexOfMax(row);
        return (argmax == target, logSumExp - row[target], argmax, 1 / sum);
    }

    /// <summary>Scores the first <paramref name="rows"/> rows of <paramref name="vocab"/> logits each against
    /// <paramref name="targets"/>, rows split over up to <paramref name="threads"/> threads. Results land per row, so
    /// sums taken afterwards in row order do not depend on the thread count. <paramref name="argmax"/> and
    /// <paramref name="topProbability"/>, when given, get each row's argmax and its softmax probability.</summary>
    public static void ScoreRows(float[] logits, int rows, int vocab, int[] targets, bool[] hits, double[] surprisal, int threads,
        int[]? argmax = null, float[]? topProbability = null)
    {
        if (logits.Length < (long)rows * vocab || targets.Length < rows || hits.Length < rows || surprisal.Length < rows
            || argmax?.Length < rows || topProbability?.Length < rows)
        {
            throw new ArgumentException($"buffers are too small for {rows} rows of {vocab} logits");
        }
        int slices = (int)Math.Clamp(Math.Min(threads, (long)rows * vocab / MinFloatsPerSlice), 1, Math.Max(rows, 1));
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(threads, 1) }, slice =>
        {
            int first = (int)((long)rows * slice / slices), end = (int)((long)rows * (slice + 1) / slices);
            var scratch = new float[vocab];
            for (int i = first; i < end; i++)
            {
                var (hit, s, top, p) = ScoreWithTop(logits.AsSpan(i * vocab, vocab), targets[i], scratch);
                (hits[i], surprisal[i]) = (hit, s);
                if (argmax is not null) argmax[i] = top;
                if (topProbability is not null) topProbability[i] = (float)p;
            }
        });
    }

    /// <summary>Below this many logits per thread a slice is not worth a thread.</summary>
    private const long MinFloatsPerSlice = 1 << 16;
}
