using System.Numerics;

namespace LlamaJump.Engine;

/// <summary>The project's one arg-max: greedy decoding, a dump's top-1, D_m's best jump and the tests' references all
/// pick the same way.</summary>
public static class Maximum
{
    /// <summary>Index of the largest value, the first one on a tie; a NaN is never larger than anything.</summary>
    /// <exception cref="ArgumentException">no values</exception>
    public static int IndexOf<T>(ReadOnlySpan<T> values) where T : INumber<T>
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("no values to take the maximum of", nameof(values));
        }
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
