using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.App.Train;

/// <summary>The options of <c>llamajump train</c>, parsed and range-checked by <c>TrainVerb</c>. <see cref="Device"/>
/// is resolved when the job runs (<see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice)"/>).</summary>
public sealed record TrainOptions(
    string Dump,
    string Out,
    int? Rank,
    int Epochs,
    int BatchSize,
    double LearningRate,
    ulong Seed,
    int Patience,
    double ValidationFraction,
    JumpTrainingStrategy Strategy,
    bool OjfaOnly,
    bool Joint,
    int? Threads,
    TorchDeviceChoice Device = TorchDeviceChoice.Auto)
{
    public JumpTrainingOptions ToTrainingOptions() => new()
    {
        Rank = Rank,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Seed = Seed,
        Patience = Patience,
        ValidationFraction = ValidationFraction,
        Strategy = Strategy,
        TrainJoint = Joint,
    };
}
