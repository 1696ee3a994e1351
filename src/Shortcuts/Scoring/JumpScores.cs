using LlamaJump.Engine;

namespace LlamaJump.Shortcuts.Scoring;

/// <summary>
/// The OJFA choice (section 3.1): <see cref="D"/>[m] is eq. 5's D_m for candidate jump m = 0 … L−2, the mean over
/// samples i and exit levels k of sgn(C)·C² with C = cos(jump_m(h^k_i), h^{L−1}_i) (eq. 4); <see cref="Ojfa"/> is
/// argmax_m D_m (the first on a tie); <see cref="Softmax"/> is softmax(D / T) at T = 5e-4 (the paper's Figure 3).
/// </summary>
public sealed record JumpScores(IReadOnlyList<double> D, IReadOnlyList<double> Softmax, int Ojfa)
{
    /// <summary>The softmax temperature of the paper's Figure 3.</summary>
    public const double Temperature = 5e-4;

    public static JumpScores From(IReadOnlyList<double> d) => new([.. d], SoftmaxOf(d, Temperature), ArgMax(d));

    /// <summary>sgn(c)·c² = c·|c|: keeps the sign of the cosine and squares its size.</summary>
    public static double SignedSquare(double c) => c * Math.Abs(c);

    /// <summary>Cosine of two vectors given their dot product and squared norms; 0 when either vector is zero (its
    /// direction is undefined: counted as neither right nor wrong).</summary>
    public static double Cosine(double dot, double normSquaredA, double normSquaredB)
    {
        double denominator = Math.Sqrt(normSquaredA) * Math.Sqrt(normSquaredB);
        return denominator > 0 ? Math.Clamp(dot / denominator, -1, 1) : 0;
    }

    /// <summary>softmax(values / temperature) in double, with the maximum subtracted first, so a temperature of
    /// 5e-4 neither overflows nor turns every entry into 0/0.</summary>
    public static double[] SoftmaxOf(IReadOnlyList<double> values, double temperature)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(temperature > 0))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive");
        if (values.Count == 0)
            return [];
        double max = values.Max();
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Math.Exp((values[i] - max) / temperature);
            sum += result[i];
        }
        for (int i = 0; i < result.Length; i++)
            result[i] /= sum;
        return result;
    }

    /// <summary>Index of the largest value; the first one on a tie.</summary>
    public static int ArgMax(IReadOnlyList<double> values) => Maximum.IndexOf<double>([.. values]);
}
