using System.Numerics.Tensors;

namespace LlamaJump.Shortcuts.Jumps;

/// <summary>
/// One trained low-rank shortcut (the paper's eq. 1, no residual): ĥ = BatchNorm(h)·A·B with BatchNorm in inference
/// form, (h − running_mean) / √(running_var + eps) · γ + β. Plain arrays, row-major: A is [H][r], B is [r][H]. This is
/// the form a jump is stored, evaluated (<see cref="Apply"/>, TensorPrimitives) and handed to the native backend in;
/// TorchSharp only trains it.
/// </summary>
public sealed class JumpWeights
{
    public JumpWeights(int hidden, int rank, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, float[] a, float[] b, float eps = 1e-5f)
    {
        if (hidden <= 0 || rank <= 0)
        {
            throw new ArgumentException($"hidden ({hidden}) and rank ({rank}) must be positive");
        }
        Check(gamma, hidden, nameof(gamma));
        Check(beta, hidden, nameof(beta));
        Check(runningMean, hidden, nameof(runningMean));
        Check(runningVar, hidden, nameof(runningVar));
        Check(a, (long)hidden * rank, nameof(a));
        Check(b, (long)rank * hidden, nameof(b));
        Hidden = hidden;
        Rank = rank;
        Gamma = gamma;
        Beta = beta;
        RunningMean = runningMean;
        RunningVar = runningVar;
        A = a;
        B = b;
        Eps = eps;
    }

    public int Hidden { get; }
    public int Rank { get; }
    public float[] Gamma { get; }
    public float[] Beta { get; }
    public float[] RunningMean { get; }
    public float[] RunningVar { get; }
    /// <summary>[H][r] row-major.</summary>
    public float[] A { get; }
    /// <summary>[r][H] row-major.</summary>
    public float[] B { get; }
    public float Eps { get; }

    /// <summary>2·H·r + 4·H: A, B and BatchNorm's γ, β, running mean and running variance (the paper's count).</summary>
    public long ParameterCount => ParameterCountFor(Hidden, Rank);

    public static long ParameterCountFor(int hidden, int rank) => 2L * hidden * rank + 4L * hidden;

    /// <summary>y = jump(x) for <paramref name="rows"/> rows of H floats each; x and y may not overlap.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        int h = Hidden, r = Rank;
        if (x.Length < (long)rows * h || y.Length < (long)rows * h)
        {
            throw new ArgumentException($"{rows} rows of {h} floats do not fit (x {x.Length}, y {y.Length})");
        }
        Span<float> scale = h <= 4096 ? stackalloc float[h] : new float[h];
        Span<float> shift = h <= 4096 ? stackalloc float[h] : new float[h];
        for (int j = 0; j < h; j++)
        {
            scale[j] = Gamma[j] / MathF.Sqrt(RunningVar[j] + Eps);
            shift[j] = Beta[j] - RunningMean[j] * scale[j];
        }
        var normalized = new float[h];
        var low = new float[r];
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.FusedMultiplyAdd(x.Slice(i * h, h), scale, shift, normalized);
            // low = normalized · A  (A is [H][r]): accumulate row j of A scaled by normalized[j]
            low.AsSpan().Clear();
            for (int j = 0; j < h; j++)
            {
                TensorPrimitives.MultiplyAdd(A.AsSpan(j * r, r), normalized[j], low, low);
            }
            var output = y.Slice(i * h, h);
            output.Clear();
            for (int q = 0; q < r; q++)
            {
                TensorPrimitives.MultiplyAdd(B.AsSpan(q * h, h), low[q], output, output);
            }
        }
    }

    private static void Check(float[] array, long expected, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.Length != expected)
        {
            throw new ArgumentException($"{name} has {array.Length} values, expected {expected}", name);
        }
    }
}
