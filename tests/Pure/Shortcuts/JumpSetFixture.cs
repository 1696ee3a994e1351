using LlamaJump.Dumps.Sampling;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>Jump sets with seeded made-up weights, for the jump file tests.</summary>
internal static class JumpSetFixture
{
    public const string ModelSha = "1a2b3c4d5e6f77778888999900001111222233334444555566667777888899aa";

    public static JumpIdentity Identity(int nLayer = 5, int nEmbd = 8, string modelSha = ModelSha) =>
        new(modelSha, "llama", nLayer, nEmbd, "tiny.gguf", new string('c', 64), 42, 900);

    public static JumpWeights Jump(int h, int r, ulong seed)
    {
        var random = new SplitMix64(seed);
        float[] Values(int n, double low, double high) => Enumerable.Range(0, n)
            .Select(_ => (float)(low + (random.Next() >> 40) * (1.0 / (1 << 24)) * (high - low))).ToArray();
        return new JumpWeights(h, r, Values(h, 0.5, 1.5), Values(h, -0.3, 0.3), Values(h, -1, 1), Values(h, 0.2, 3),
            Values(h * r, -0.5, 0.5), Values(r * h, -0.5, 0.5));
    }

    /// <summary>A full set: every exit level and the joint jump; OJFA = 2 (the last level when there are fewer).</summary>
    public static JumpSet Full(int nLayer = 5, int nEmbd = 8, int rank = 2, bool joint = true, string modelSha = ModelSha)
    {
        int levels = nLayer - 1, ojfa = Math.Min(2, levels - 1);
        var d = Enumerable.Range(0, levels).Select(k => 0.5 + 0.01 * Math.Sin(k + 1) + (k == ojfa ? 0.05 : 0)).ToArray();
        return new JumpSet(Identity(nLayer, nEmbd, modelSha),
            new TrainingSettings(rank, 50, 256, 1e-3, 7, 0.1, 5, "batched"),
            Enumerable.Range(0, levels).Select(k => (JumpWeights?)Jump(nEmbd, rank, (ulong)k + 1)).ToArray(),
            joint ? Jump(nEmbd, rank, 99) : null,
            ojfa, d, LlamaJump.Shortcuts.Scoring.JumpScores.SoftmaxOf(d, JumpSet.SoftmaxTemperature),
            Enumerable.Range(0, levels).Select(k => 10.0 - k).ToArray())
        {
            JointValidationLoss = joint ? 9.5 : null,
        };
    }

    /// <summary>Rows of made-up hidden states to push through jumps.</summary>
    public static float[] Rows(int rows, int h, ulong seed)
    {
        var random = new SplitMix64(seed);
        return Enumerable.Range(0, rows * h).Select(_ => (float)((random.Next() >> 40) * (1.0 / (1 << 24)) * 6 - 3)).ToArray();
    }
}
