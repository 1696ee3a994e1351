namespace LlamaJump.Shortcuts.Training;

/// <summary>How one jump's training went: its best validation loss (eq. 2 on the held-out rows, BatchNorm in
/// inference form), the epoch it was reached in (1-based), epochs run, and whether patience ended it early.</summary>
public sealed record JumpFitSummary(double BestValidationLoss, int BestEpoch, int EpochsRun, bool StoppedEarly);

/// <summary>What <see cref="JumpTrainer.Train"/> produced: one jump per exit level k = 0 … L−2 (its best epoch's
/// weights), the joint jump when asked for, and timings. <see cref="LevelsSeconds"/> covers the per-level jumps
/// only, so the two strategies can be compared.</summary>
public sealed record JumpTrainingResult(
    int Rank,
    JumpTrainingStrategy Strategy,
    int TrainRows,
    int ValidationRows,
    IReadOnlyList<Jumps.JumpWeights> Levels,
    IReadOnlyList<JumpFitSummary> LevelSummaries,
    Jumps.JumpWeights? Joint,
    JumpFitSummary? JointSummary,
    double LevelsSeconds,
    double JointSeconds,
    long Steps);
