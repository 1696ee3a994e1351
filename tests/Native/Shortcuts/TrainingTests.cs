using AwesomeAssertions;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;
using TorchSharp;
using Xunit;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>JumpTrainer and JumpTraining on rows built in code: an exactly learnable level, determinism, the two
/// strategies, bounded memory, refusals of bad input.</summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JumpIdentity Identity5 = new(new string('a', 64), "synthetic", 5, 16, "synthetic.gguf", new string('c', 64), 1, 600);

    [Fact]
    public void A_level_that_is_an_exact_rank_r_map_of_the_target_is_learned_and_chosen()
    {
        TorchRuntime.ConfigureThreads(1);
        const int exact = 2;
        var rows = TrainingData.ExactLevel(layers: 5, hidden: 16, rank: 4, count: 600, exact: exact);
        var options = new JumpTrainingOptions { Rank = 4, Epochs = 150, BatchSize = 64, LearningRate = 1e-2, Patience = 20, Seed = 3 };

        var outcome = JumpTraining.Run(rows, Identity5, options, cancellation: Ct);

        double scale = TrainingData.MeanSquaredNorm(rows, 4);
        var losses = outcome.Training.LevelSummaries.Select(s => s.BestValidationLoss / scale).ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"relative validation losses [{string.Join(", ", losses)}]; D_m [{string.Join(", ", outcome.Scores.D)}]; epochs [{string.Join(", ", outcome.Training.LevelSummaries.Select(s => $"{s.BestEpoch}/{s.EpochsRun}"))}]; joint {outcome.Training.JointSummary}; seconds: levels {outcome.Training.LevelsSeconds:0.00}, joint {outcome.Training.JointSeconds:0.00}, D_m {outcome.ScoringSeconds:0.00}");
        losses[exact].Should().BeLessThan(1e-3, $"level {exact} determines the target exactly (relative losses: {string.Join(", ", losses)})");
        losses.Where((_, k) => k != exact).Should().OnlyContain(l => l > 0.1, "the other levels are mostly noise");
        outcome.Scores.Ojfa.Should().Be(exact, $"D_m = {string.Join(", ", outcome.Scores.D)}");
        outcome.Set.Ojfa.Should().Be(exact);
        outcome.Set.DSoftmax.Sum().Should().BeApproximately(1, 1e-12);
        outcome.Set.Joint.Should().NotBeNull();
        outcome.Set.JointValidationLoss.Should().BeGreaterThan(0);
    }

    [Fact]
    public void The_same_seed_gives_identical_weights_and_another_seed_other_weights()
    {
        TorchRuntime.ConfigureThreads(2);
        var rows = TrainingData.Smooth(layers: 3, hidden: 8, count: 120);
        var options = new JumpTrainingOptions { Rank = 2, Epochs = 4, BatchSize = 16, Seed = 11 };

        var first = JumpTrainer.Train(rows, options, cancellation: Ct);
        var second = JumpTrainer.Train(rows, options, cancellation: Ct);
        var other = JumpTrainer.Train(rows, options with { Seed = 12 }, cancellation: Ct);

        foreach (var (a, b) in Jumps(first).Zip(Jumps(second)))
        {
            a.A.Should().Equal(b.A);
            a.B.Should().Equal(b.B);
            a.Gamma.Should().Equal(b.Gamma);
            a.Beta.Should().Equal(b.Beta);
            a.RunningMean.Should().Equal(b.RunningMean);
            a.RunningVar.Should().Equal(b.RunningVar);
        }
        first.LevelSummaries.Should().Equal(second.LevelSummaries);
        Jumps(first).First().A.Should().NotEqual(Jumps(other).First().A);
    }

    [Fact]
    public void Batched_and_loop_strategies_give_the_same_jumps()
    {
        TorchRuntime.ConfigureThreads(1);
        var rows = TrainingData.ExactLevel(layers: 4, hidden: 12, rank: 3, count: 300, exact: 1);
        var options = new JumpTrainingOptions { Rank = 3, Epochs = 12, BatchSize = 32, LearningRate = 5e-3, Patience = 3, TrainJoint = false };

        var batched = JumpTrainer.Train(rows, options with { Strategy = JumpTrainingStrategy.Batched }, cancellation: Ct);
        var loop = JumpTrainer.Train(rows, options with { Strategy = JumpTrainingStrategy.Loop }, cancellation: Ct);

        for (int k = 0; k < 3; k++)
        {
            batched.LevelSummaries[k].BestEpoch.Should().Be(loop.LevelSummaries[k].BestEpoch, $"level {k}");
            batched.LevelSummaries[k].BestValidationLoss.Should().BeApproximately(loop.LevelSummaries[k].BestValidationLoss,
                1e-4 * loop.LevelSummaries[k].BestValidationLoss, $"level {k}");
            var (a, b) = (batched.Levels[k], loop.Levels[k]);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"level {k}: max |ΔA| {TrainingData.MaxAbsDifference(a.A, b.A):G3}, max |ΔB| {TrainingData.MaxAbsDifference(a.B, b.B):G3}, validation loss {batched.LevelSummaries[k].BestValidationLoss:G9} vs {loop.LevelSummaries[k].BestValidationLoss:G9}");
            TrainingData.MaxAbsDifference(a.A, b.A).Should().BeLessThan(1e-4, $"A of level {k}");
            TrainingData.MaxAbsDifference(a.B, b.B).Should().BeLessThan(1e-4, $"B of level {k}");
            TrainingData.MaxAbsDifference(a.RunningMean, b.RunningMean).Should().BeLessThan(1e-4, $"running mean of level {k}");
            TrainingData.MaxAbsDifference(a.RunningVar, b.RunningVar).Should().BeLessThan(1e-3, $"running variance of level {k}");
        }
    }

    [Fact]
    public void Batchnorm_statistics_follow_BatchNorm1d()
    {
        // One step of batch = all rows with lr ~ 0: the running stats after one epoch of one batch are
        // 0.9·(0, 1) + 0.1·(batch mean, unbiased batch variance).
        TorchRuntime.ConfigureThreads(1);
        var rows = TrainingData.Smooth(layers: 2, hidden: 4, count: 11); // 10 train rows, 1 validation row
        var options = new JumpTrainingOptions { Rank = 1, Epochs = 1, BatchSize = 64, LearningRate = 1e-12, TrainJoint = false };

        var result = JumpTrainer.Train(rows, options, cancellation: Ct);

        var holdout = JumpHoldout.Create(11, options.ValidationFraction, options.Seed, "rows");
        var jump = result.Levels[0];
        var row = new float[4];
        for (int e = 0; e < 4; e++)
        {
            var values = holdout.Train.Select(i => { rows.ReadRow(0, i, row); return (double)row[e]; }).ToArray();
            double mean = values.Average();
            double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
            jump.RunningMean[e].Should().BeApproximately((float)(0.1 * mean), 1e-5f);
            jump.RunningVar[e].Should().BeApproximately((float)(0.9 + 0.1 * unbiased), 1e-4f);
        }
        jump.Gamma.Should().OnlyContain(g => Math.Abs(g - 1) < 1e-6);
        jump.Beta.Should().OnlyContain(b => Math.Abs(b) < 1e-6);
    }

    [Fact]
    public void The_validation_loss_is_eq_2_of_the_exported_jump_on_the_held_out_rows()
    {
        // Checks the rearranged computation (BatchNorm folded into A, ‖ĥ − t‖² expanded) against the plain one:
        // JumpWeights.Apply, then the squared distance, in double.
        TorchRuntime.ConfigureThreads(1);
        var rows = TrainingData.ExactLevel(layers: 3, hidden: 12, rank: 3, count: 200, exact: 1);
        var options = new JumpTrainingOptions { Rank = 3, Epochs = 6, BatchSize = 16, LearningRate = 1e-2, Patience = 100, TrainJoint = false };

        var result = JumpTrainer.Train(rows, options, cancellation: Ct);

        var holdout = JumpHoldout.Create(rows.Count, options.ValidationFraction, options.Seed, rows.Name);
        var input = new float[12];
        var target = new float[12];
        var output = new float[12];
        for (int k = 0; k < 2; k++)
        {
            double sum = 0;
            foreach (int i in holdout.Validation)
            {
                rows.ReadRow(k, i, input);
                rows.ReadRow(2, i, target);
                result.Levels[k].Apply(input, output, 1);
                sum += output.Zip(target, (y, t) => (double)(y - t) * (y - t)).Sum();
            }
            double plain = sum / holdout.Validation.Length;
            TestContext.Current.TestOutputHelper?.WriteLine($"level {k}: trainer {result.LevelSummaries[k].BestValidationLoss:G9}, plain {plain:G9}");
            result.LevelSummaries[k].BestValidationLoss.Should().BeApproximately(plain, 1e-4 * plain + 1e-5, $"level {k}");
        }
    }

    [Fact]
    public void Memory_stays_bounded_over_thousands_of_steps()
    {
        TorchRuntime.ConfigureThreads(1);
        var rows = TrainingData.Smooth(layers: 3, hidden: 8, count: 44); // 40 train rows: 10 steps per epoch
        var options = new JumpTrainingOptions { Rank = 2, Epochs = 350, BatchSize = 4, Patience = 1000, LearningRate = 1e-4, TrainJoint = false };
        var observer = new LiveTensorProbe(sampleAt: [200, 3400]);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var result = JumpTrainer.Train(rows, options, observer, cancellation: Ct);

        result.Steps.Should().Be(3500);
        observer.Live[200].Should().BeGreaterThan(0, "parameters, buffers and Adam's state are live tensors");
        observer.Live[200].Should().Be(observer.Live[3400], "no tensor may outlive its step");
        (observer.WorkingSet[3400] - observer.WorkingSet[200]).Should().BeLessThan(32L << 20, "the process should not grow from step 200 to 3400");
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before, "training leaves no tensor behind");
    }

    [Fact]
    public void A_NaN_is_reported_with_its_block_and_sample()
    {
        var rows = TrainingData.Smooth(layers: 4, hidden: 8, count: 30);
        rows.Block(2)[7 * 8 + 3] = float.NaN;

        var act = () => JumpTrainer.Train(rows, new JumpTrainingOptions { Rank = 2, Epochs = 1 }, cancellation: Ct);

        act.Should().Throw<JumpTrainingException>().WithMessage("smooth rows: block 2, sample 7 (row 7) holds NaN at element 3*")
            .Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void An_infinity_is_reported_too()
    {
        var rows = TrainingData.Smooth(layers: 3, hidden: 8, count: 30);
        rows.Block(0)[29 * 8] = float.NegativeInfinity;

        var act = () => JumpTrainer.Train(rows, new JumpTrainingOptions { Rank = 2, Epochs = 1 }, cancellation: Ct);

        act.Should().Throw<JumpTrainingException>().WithMessage("*block 0, sample 29 (row 29) holds -Inf*");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void A_rank_of_n_embd_or_more_is_refused(int rank)
    {
        var act = () => JumpTrainer.Train(TrainingData.Smooth(3, 8, 30), new JumpTrainingOptions { Rank = rank, Epochs = 1 }, cancellation: Ct);

        act.Should().Throw<JumpTrainingException>().WithMessage($"rank {rank} is not below n_embd 8*");
    }

    [Fact]
    public void Too_few_samples_for_BatchNorm_are_refused()
    {
        var act = () => JumpTrainer.Train(TrainingData.Smooth(3, 8, 2), new JumpTrainingOptions { Rank = 2, Epochs = 1 }, cancellation: Ct);

        act.Should().Throw<JumpTrainingException>().WithMessage("smooth rows has 2 samples: too few for BatchNorm*need at least 3 samples*");
    }

    [Fact]
    public void The_smallest_allowed_split_trains()
    {
        TorchRuntime.ConfigureThreads(1);
        var result = JumpTrainer.Train(TrainingData.Smooth(3, 8, 3), new JumpTrainingOptions { Rank = 2, Epochs = 2 }, cancellation: Ct);

        result.TrainRows.Should().Be(2);
        result.ValidationRows.Should().Be(1);
        result.Levels.Should().HaveCount(2);
    }

    [Fact]
    public void A_model_of_one_block_has_no_exit_level()
    {
        var act = () => JumpTrainer.Train(TrainingData.Smooth(1, 8, 30), new JumpTrainingOptions { Rank = 2 }, cancellation: Ct);

        act.Should().Throw<JumpTrainingException>().WithMessage("*1 block(s)*");
    }

    [Fact]
    public void The_default_rank_is_used_when_none_is_given()
    {
        TorchRuntime.ConfigureThreads(1);
        var result = JumpTrainer.Train(TrainingData.Smooth(2, 64, 20), new JumpTrainingOptions { Epochs = 1, TrainJoint = false }, cancellation: Ct);

        result.Rank.Should().Be(JumpRank.Default(64));
        result.Levels[0].Rank.Should().Be(JumpRank.Default(64));
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        TorchRuntime.ConfigureThreads(1);
        using var cancel = new CancellationTokenSource();
        var observer = new CancelAt(cancel, step: 5);

        var act = () => JumpTrainer.Train(TrainingData.Smooth(3, 8, 100), new JumpTrainingOptions { Rank = 2, BatchSize = 4 }, observer, cancel.Token);

        act.Should().Throw<OperationCanceledException>();
        observer.Steps.Should().Be(5);
    }

    private static IEnumerable<JumpWeights> Jumps(JumpTrainingResult result) => result.Levels.Append(result.Joint!);

    private sealed class LiveTensorProbe(long[] sampleAt) : IJumpTrainingObserver
    {
        public Dictionary<long, long> Live { get; } = [];
        public Dictionary<long, long> WorkingSet { get; } = [];

        public void EpochDone(JumpEpochReport report)
        {
        }

        public void StepDone(long step)
        {
            if (!sampleAt.Contains(step))
                return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Live[step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            WorkingSet[step] = Environment.WorkingSet;
        }
    }

    private sealed class CancelAt(CancellationTokenSource source, long step) : IJumpTrainingObserver
    {
        public long Steps { get; private set; }

        public void EpochDone(JumpEpochReport report)
        {
        }

        public void StepDone(long s)
        {
            Steps = s;
            if (s == step)
                source.Cancel();
        }
    }
}
