using System.Diagnostics;
using LlamaJump.Shortcuts.Jumps;
using TorchSharp;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// Trains the paper's jumps on the rows of a train split (eq. 1–2): one jump per exit level k = 0 … L−2 from h^k to
/// h^{L−1}, and optionally the joint jump, trained on the rows of every exit level pooled (section 5). Runs on
/// <see cref="JumpTrainingOptions.Device"/> (the CPU by default, with the thread count the caller set:
/// <see cref="TorchRuntime.ConfigureThreads"/>); rows are gathered on the host and copied to the device per batch.
/// <para>Deterministic on the CPU for a seed and thread count, bit for bit: the hold-out, the batch order and the
/// initial weights come from SplitMix64 streams (<see cref="JumpShuffle"/>), nothing else is random, the rows libtorch
/// reads are 64-byte aligned (<see cref="AlignedFloats"/>) and MKL runs in its reproducible mode
/// (<see cref="MklReproducibility"/>). On CUDA the same inputs give the CPU's jumps to float rounding
/// (<see cref="TorchDevice"/> states the tolerance).</para>
/// </summary>
public static class JumpTrainer
{
    /// <summary>Checks the rows (at least two blocks, finite values, enough samples, rank below n_embd: otherwise
    /// <see cref="JumpTrainingException"/>), then trains. Cancellation is checked between steps
    /// (<see cref="OperationCanceledException"/>).</summary>
    public static JumpTrainingResult Train(IJumpRows rows, JumpTrainingOptions options, IJumpTrainingObserver? observer = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (rows.NLayer < 2)
            throw new JumpTrainingException($"{rows.Name} has {rows.NLayer} block(s): a jump needs at least one exit level before the last block");
        int rank = JumpRank.Check(options.Rank ?? JumpRank.Default(rows.NEmbd), rows.NEmbd);
        var holdout = JumpHoldout.Create(rows.Count, options.ValidationFraction, options.Seed, rows.Name);
        JumpRowsValidation.EnsureFinite(rows);

        TorchRuntime.EnsureLoadable(); // also MKL's reproducible mode
        torch.manual_seed((long)(options.Seed & long.MaxValue)); // nothing draws from it; set for any future use
        int levels = rows.NLayer - 1;
        var run = new JumpFitRun(rows, options, observer, cancellation, stepsBefore: 0);

        var clock = Stopwatch.StartNew();
        JumpWeights[] weights;
        JumpFitSummary[] summaries;
        if (options.Strategy == JumpTrainingStrategy.Batched)
        {
            int[] all = Enumerable.Range(0, levels).ToArray();
            (weights, summaries) = run.Fit(all, rank, new LevelItems(holdout.Train, all, options.Seed),
                new LevelItems(holdout.Validation, all, options.Seed));
        }
        else
        {
            weights = new JumpWeights[levels];
            summaries = new JumpFitSummary[levels];
            for (int k = 0; k < levels; k++)
            {
                int[] one = [k];
                var (w, s) = run.Fit(one, rank, new LevelItems(holdout.Train, one, options.Seed),
                    new LevelItems(holdout.Validation, one, options.Seed));
                weights[k] = w[0];
                summaries[k] = s[0];
            }
        }
        double levelsSeconds = clock.Elapsed.TotalSeconds;

        JumpWeights? joint = null;
        JumpFitSummary? jointSummary = null;
        clock.Restart();
        if (options.TrainJoint)
        {
            int[] jointId = [JumpEpochReport.Joint];
            var (w, s) = run.Fit(jointId, rank, new PooledItems(holdout.Train, levels, options.Seed),
                new PooledItems(holdout.Validation, levels, options.Seed));
            joint = w[0];
            jointSummary = s[0];
        }
        double jointSeconds = options.TrainJoint ? clock.Elapsed.TotalSeconds : 0;

        return new JumpTrainingResult(rank, options.Strategy, holdout.Train.Length, holdout.Validation.Length,
            weights, summaries, joint, jointSummary, levelsSeconds, jointSeconds, run.Steps);
    }
}
