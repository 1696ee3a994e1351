namespace LlamaJump.Tests.Native.Models;

/// <summary>One Q8_0 block computed by hand as ggml's reference quantiser does it: d = amax / 127 (stored as fp16),
/// q = round(x / d) half away from zero; x ≈ d · q. Used as the independent reference of ggml's Q8_0.</summary>
internal static class HandQ8_0
{
    public const int BlockElements = 32;

    /// <summary>The scale d (before fp16 rounding) and the 32 quants of <paramref name="block"/>.</summary>
    public static (float Scale, sbyte[] Quants) Block(ReadOnlySpan<float> block)
    {
        float amax = 0;
        foreach (float v in block)
            amax = Math.Max(amax, Math.Abs(v));
        float d = amax / 127, id = d != 0 ? 1 / d : 0;
        var q = new sbyte[block.Length];
        for (int i = 0; i < block.Length; i++)
            q[i] = (sbyte)MathF.Round(block[i] * id, MidpointRounding.AwayFromZero);
        return (d, q);
    }
}
