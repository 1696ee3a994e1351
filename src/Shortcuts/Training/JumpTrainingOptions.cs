namespace LlamaJump.Shortcuts.Training;

/// <summary>How the per-level jumps are computed: all exit levels as one stacked computation (parameters
/// [K,H,r] / [K,r,H], BatchNorm on [K,N,H], <c>torch.bmm</c>), or one level after another. Both see the same
/// initial weights and the same batches, so they give the same jumps up to float rounding.</summary>
public enum JumpTrainingStrategy
{
    Batched,
    Loop,
}

public static class JumpTrainingStrategyNames
{
    public static string Name(this JumpTrainingStrategy strategy) => strategy switch
    {
        JumpTrainingStrategy.Batched => "batched",
        JumpTrainingStrategy.Loop => "loop",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    /// <summary>Parses "batched" or "loop"; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static JumpTrainingStrategy Parse(string name) => name switch
    {
        "batched" => JumpTrainingStrategy.Batched,
        "loop" => JumpTrainingStrategy.Loop,
        _ => throw new ArgumentException($"'{name}' is not a strategy (batched, loop)"),
    };
}

/// <summary>
/// Settings of <see cref="JumpTrainer"/>. Adam (β 0.9/0.999, ε 1e-8, no weight decay) on eq. 2's loss; each epoch is
/// one pass over the training rows in a seeded order; after each epoch every level's loss on the held-out validation
/// rows is measured with BatchNorm in inference form, and a level stops once it has not improved for
/// <see cref="Patience"/> epochs; its best epoch's weights are kept.
/// </summary>
public sealed record JumpTrainingOptions
{
    /// <summary>null: <see cref="JumpRank.Default"/>.</summary>
    public int? Rank { get; init; }

    public int Epochs { get; init; } = 50;

    /// <summary>Rows per step (at least 2: BatchNorm needs two rows to have a variance). An epoch's last batch takes
    /// one leftover row into the batch before it rather than run a batch of one.</summary>
    public int BatchSize { get; init; } = 256;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decides the validation hold-out, the batch order of every epoch and the initial weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Share of the train split held out for validation and early stopping (at least one row).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Epochs without a better validation loss after which a level stops.</summary>
    public int Patience { get; init; } = 5;

    public JumpTrainingStrategy Strategy { get; init; } = JumpTrainingStrategy.Batched;

    /// <summary>Also train the joint jump (inputs pooled from all exit levels; the paper's section 5).</summary>
    public bool TrainJoint { get; init; } = true;

    /// <summary>Where training and the D_m scoring compute (<see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice)"/>);
    /// the CPU by default. Like the thread count, it changes the jumps only by float rounding (the tolerance is
    /// <see cref="TorchDevice"/>'s), so it is not recorded in the jump file.</summary>
    public TorchDevice Device { get; init; } = TorchDevice.Cpu;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1)
            throw new ArgumentException($"epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 2)
            throw new ArgumentException($"the batch size must be at least 2, since BatchNorm needs two rows for a variance (got {BatchSize})");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"the learning rate must be positive (got {LearningRate})");
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"the validation fraction must lie between 0 and 1, exclusive (got {ValidationFraction})");
        if (Patience < 1)
            throw new ArgumentException($"the patience must be at least 1 epoch (got {Patience})");
        if (Rank is < 1)
            throw new ArgumentException($"the rank must be at least 1 (got {Rank})");
        ArgumentNullException.ThrowIfNull(Device);
    }
}
