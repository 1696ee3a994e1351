namespace LlamaJump.Shortcuts.Jumps;

/// <summary>Where a jump set came from: the model (sha256 of the GGUF file, architecture, blocks, width) and the dump
/// it was trained on (its corpus sha256, seed, train count). A jump set is refused for any other model.</summary>
public sealed record JumpIdentity(string ModelSha256, string Architecture, int NLayer, int NEmbd, string ModelFile,
    string CorpusSha256, ulong DumpSeed, int TrainCount);

/// <summary>How the jumps were trained (recorded in the jump file).</summary>
public sealed record TrainingSettings(int Rank, int Epochs, int BatchSize, double LearningRate, ulong Seed,
    double ValidationFraction, int Patience, string Strategy);

/// <summary>
/// Everything <c>llamajump train</c> produces: one N-NJTC jump per exit level k = 0 … L−2 (from block k's output to the
/// last block's output), the joint jump trained on all levels pooled, the D_m score of every candidate jump m
/// (eq. 5), its softmax at T = 5e-4, and the OJFA choice argmax_m D_m. An OJFA-only set (the file inference loads)
/// keeps just the chosen jump: <see cref="Levels"/>[<see cref="Ojfa"/>] is then the only non-null entry.
/// </summary>
public sealed record JumpSet(
    JumpIdentity Identity,
    TrainingSettings Settings,
    IReadOnlyList<JumpWeights?> Levels,
    JumpWeights? Joint,
    int Ojfa,
    IReadOnlyList<double> DScores,
    IReadOnlyList<double> DSoftmax,
    IReadOnlyList<double> ValidationLoss)
{
    /// <summary>The softmax temperature of the paper's Figure 3.</summary>
    public const double SoftmaxTemperature = 5e-4;

    public bool OjfaOnly => Levels.Count(l => l is not null) == 1 && Joint is null;

    public JumpWeights OjfaJump => Levels[Ojfa] ?? throw new InvalidOperationException("the OJFA jump is missing");

    /// <summary>Exit levels k = 0 … L−2.</summary>
    public int ExitLevels => Identity.NLayer - 1;

    /// <summary>The joint jump's best validation loss (eq. 2 over the held-out rows of every exit level); null when
    /// there is no joint jump or it was not recorded.</summary>
    public double? JointValidationLoss { get; init; }

    /// <summary>The file this set was read from (set by <see cref="JumpFile.Read"/>), for messages; null for a set
    /// made in memory.</summary>
    public string? Source { get; init; }
}
