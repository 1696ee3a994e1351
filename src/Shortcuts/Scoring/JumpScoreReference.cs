using System.Numerics.Tensors;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.Shortcuts.Scoring;

/// <summary>
/// D_m computed the plain way, independent of TorchSharp: every candidate jump applied to every row of every exit
/// level with <see cref="JumpWeights.Apply"/>, cosine by <see cref="TensorPrimitives.CosineSimilarity(ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// sums in double. O(candidates × levels × rows × H × r): for tests and small dumps; <see cref="JumpScorer"/> is the
/// fast path.
/// </summary>
public static class JumpScoreReference
{
    public static JumpScores Score(IJumpRows rows, IReadOnlyList<JumpWeights> candidates)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(candidates);
        int h = rows.NEmbd, levels = rows.NLayer - 1, n = rows.Count;
        var target = new float[h];
        var input = new float[h];
        var output = new float[h];
        var sums = new double[candidates.Count];
        for (int i = 0; i < n; i++)
        {
            rows.ReadRow(rows.NLayer - 1, i, target);
            for (int k = 0; k < levels; k++)
            {
                rows.ReadRow(k, i, input);
                for (int m = 0; m < candidates.Count; m++)
                {
                    candidates[m].Apply(input, output, 1);
                    sums[m] += JumpScores.SignedSquare(Cosine(output, target));
                }
            }
        }
        return JumpScores.From(sums.Select(s => s / ((double)n * levels)).ToArray());
    }

    /// <summary>TensorPrimitives' cosine, and 0 when either vector is zero (as <see cref="JumpScores.Cosine"/>).</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        TensorPrimitives.Norm(a) == 0 || TensorPrimitives.Norm(b) == 0 ? 0 : TensorPrimitives.CosineSimilarity(a, b);
}
