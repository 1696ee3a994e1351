namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>What one jump predicts on every test sample at every exit level k = 0 … L−2, [sample × levels]: its top
/// softmax probability and whether its argmax is the full model's top-1 — what planning exit mode needs
/// (<see cref="LlamaJump.Engine.Generation.ExitPlanner"/>), kept beside results.json as exit-samples.safetensors.</summary>
public sealed record ExitSamples(int Samples, int Levels, float[] TopProbability, bool[] Agrees)
{
    /// <summary>The samples of <paramref name="predictions"/> against the full model's top-1 <paramref name="targets"/>.</summary>
    public static ExitSamples From(ExitPredictions predictions, IReadOnlyList<int> targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != predictions.Samples)
            throw new ArgumentException($"{targets.Count} targets for {predictions.Samples} samples");
        var agrees = new bool[predictions.Argmax.Length];
        for (int i = 0; i < agrees.Length; i++)
            agrees[i] = predictions.Argmax[i] == targets[i / predictions.Levels];
        return new ExitSamples(predictions.Samples, predictions.Levels, (float[])predictions.TopProbability.Clone(), agrees);
    }

    /// <summary>The first <paramref name="count"/> samples (all of them when there are fewer).</summary>
    public ExitSamples Take(int count)
    {
        int n = Math.Clamp(count, 0, Samples);
        return n == Samples ? this : new ExitSamples(n, Levels, TopProbability[..(n * Levels)], Agrees[..(n * Levels)]);
    }
}
