using AwesomeAssertions;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Scoring;
using LlamaJump.Shortcuts.Training;
using TorchSharp;
using Xunit;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>
/// Training and D_m scoring put their tensors on the device they are given, on a machine without a GPU. Every
/// libtorch has a device besides the CPU: "meta" (tensors with a shape and no data). The CPU given explicitly gives the
/// plain CPU run's results, bit for bit. Given meta itself, the computation must reach an operator on meta (libtorch has no meta
/// kernel for some, or no data to copy back) rather than mix devices or quietly compute on the CPU. On a machine with
/// CUDA the CPU and CUDA results are compared within <see cref="TorchDevice"/>'s stated tolerance.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TorchDevicePlacementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JumpIdentity Identity4 = new(new string('a', 64), "synthetic", 4, 12, "synthetic.gguf", new string('c', 64), 1, 160);

    private static InMemoryJumpRows Rows() => TrainingData.ExactLevel(layers: 4, hidden: 12, rank: 3, count: 160, exact: 1);

    /// <summary>Three epochs with an early-stopped level (patience 1 on a tiny learning rate) and the joint jump:
    /// every code path of a run, active-subset index included.</summary>
    private static JumpTrainingOptions Options(TorchDevice device) =>
        new() { Rank = 3, Epochs = 6, BatchSize = 32, LearningRate = 0.1, Patience = 1, Seed = 4, Device = device };

    [Fact]
    public void An_explicit_cpu_device_gives_the_default_runs_results_bit_for_bit()
    {
        TorchRuntime.ConfigureThreads(1);
        var rows = Rows();
        var plain = JumpTraining.Run(rows, Identity4, Options(TorchDevice.Cpu), cancellation: Ct);

        // torch's default device is process-wide (every thread): setting it here to catch tensors made without a
        // device would reach any test training beside this one (a fresh-clone run on a busy machine failed that way),
        // so the device is only given explicitly; the meta tests below catch computations that ignore it
        var cpu = new TorchDevice(DeviceType.CPU, "explicit");
        var explicitCpu = JumpTraining.Run(rows, Identity4, Options(cpu), cancellation: Ct);
        var rescored = JumpScorer.Score(rows, plain.Training.Levels, chunkRows: 50, cancellation: Ct, device: cpu);

        foreach (var (a, b) in AllJumps(plain.Set).Zip(AllJumps(explicitCpu.Set)))
        {
            a.A.Should().Equal(b.A);
            a.B.Should().Equal(b.B);
            a.Gamma.Should().Equal(b.Gamma);
            a.Beta.Should().Equal(b.Beta);
            a.RunningMean.Should().Equal(b.RunningMean);
            a.RunningVar.Should().Equal(b.RunningVar);
        }
        explicitCpu.Set.ValidationLoss.Should().Equal(plain.Set.ValidationLoss);
        explicitCpu.Scores.D.Should().Equal(plain.Scores.D);
        rescored.D.Should().Equal(JumpScorer.Score(rows, plain.Training.Levels, chunkRows: 50, cancellation: Ct).D);
        plain.Training.LevelSummaries.Should().Contain(s => s.StoppedEarly, "the run should take the active-subset path too");
    }

    [Fact]
    public void Training_computes_on_the_device_it_is_given()
    {
        var train = () => JumpTrainer.Train(Rows(), Options(new TorchDevice(DeviceType.META, "test")), cancellation: Ct);

        MetaFailure(train.Should().Throw<Exception>().Which);
    }

    [Fact]
    public void Scoring_computes_on_the_device_it_is_given()
    {
        var rows = Rows();
        var jumps = JumpTrainer.Train(rows, Options(TorchDevice.Cpu) with { Epochs = 1, TrainJoint = false }, cancellation: Ct).Levels;

        var score = () => JumpScorer.Score(rows, jumps, cancellation: Ct, device: new TorchDevice(DeviceType.META, "test"));

        MetaFailure(score.Should().Throw<Exception>().Which);
    }

    [Fact]
    public void Cpu_and_cuda_agree_within_the_stated_tolerance()
    {
        TorchRuntime.EnsureLoadable();
        Assert.SkipUnless(torch.cuda.is_available(), "No CUDA device on this machine.");
        TorchRuntime.ConfigureThreads(1);
        var rows = Rows();
        var cuda = TorchRuntime.ResolveDevice(TorchDeviceChoice.Cuda);

        // the short run the tolerance is stated for: three epochs at a moderate learning rate, no early stop
        var shortRun = Options(TorchDevice.Cpu) with { Epochs = 3, LearningRate = 1e-2, Patience = 5 };
        var onCpu = JumpTraining.Run(rows, Identity4, shortRun, cancellation: Ct);
        var onCuda = JumpTraining.Run(rows, Identity4, shortRun with { Device = cuda }, cancellation: Ct);
        var cpuScores = JumpScorer.Score(rows, onCpu.Training.Levels, cancellation: Ct);
        var cudaScores = JumpScorer.Score(rows, onCpu.Training.Levels, cancellation: Ct, device: cuda);

        var losses = onCpu.Set.ValidationLoss.Append(onCpu.Set.JointValidationLoss!.Value)
            .Zip(onCuda.Set.ValidationLoss.Append(onCuda.Set.JointValidationLoss!.Value), (a, b) => Math.Abs(a - b) / Math.Abs(a)).ToList();
        double dm = cpuScores.D.Zip(cudaScores.D, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"CPU vs CUDA: max relative loss difference {losses.Max():G3}, max |ΔD_m| {dm:G3} (same candidates)");
        losses.Should().OnlyContain(d => d <= TorchDevice.LossTolerance);
        dm.Should().BeLessThanOrEqualTo(TorchDevice.DmTolerance);
        cudaScores.Ojfa.Should().Be(cpuScores.Ojfa);
    }

    /// <summary>The failure of a computation on meta: an operator ran on meta tensors (no meta kernel, or no data to
    /// copy back), not a CPU tensor beside a meta one.</summary>
    private static void MetaFailure(Exception e)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(e.Message.Split('\n')[0]);
        e.Message.Should().NotContain("at least two devices", "every tensor should be on the device given");
        e.Message.Should().ContainEquivalentOf("meta");
    }

    private static IEnumerable<JumpWeights> AllJumps(JumpSet set) => set.Levels.Select(l => l!).Append(set.Joint!);
}
