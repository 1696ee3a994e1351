using System.Diagnostics;
using LlamaJump.Shortcuts.Jumps;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// Trains G jumps together (one <see cref="StackedJumps"/>, one Adam) on <see cref="JumpItems"/>, with per-jump early
/// stopping: after every epoch each still-active jump's validation loss is measured (BatchNorm in inference form);
/// a jump that beats its best has its weights copied out; one that has not improved for the patience stops and
/// leaves the computation (its inputs are no longer gathered, its rows of the stacked tensors no longer computed).
/// The run ends when every jump has stopped or the epochs are done. Every tensor of a step lives in that step's
/// dispose scope, on <see cref="JumpTrainingOptions.Device"/>: the batch is gathered on the host and placed there
/// (<see cref="TorchDevice.Place"/>), losses come back to the host to be read.
/// </summary>
internal sealed class JumpFitRun
{
    private readonly IJumpRows _rows;
    private readonly JumpTrainingOptions _options;
    private readonly TorchDevice _device;
    private readonly IJumpTrainingObserver? _observer;
    private readonly CancellationToken _cancellation;
    private long _steps;
    private readonly Stopwatch _gather = new();

    public JumpFitRun(IJumpRows rows, JumpTrainingOptions options, IJumpTrainingObserver? observer, CancellationToken cancellation, long stepsBefore)
    {
        _rows = rows;
        _options = options;
        _device = options.Device;
        _observer = observer;
        _cancellation = cancellation;
        _steps = stepsBefore;
    }

    /// <summary>Optimizer steps so far, including those before this run.</summary>
    public long Steps => _steps;

    /// <param name="jumpIds">Per group: the exit level, or <see cref="JumpEpochReport.Joint"/>; also what seeds each
    /// jump's initial weights.</param>
    public (JumpWeights[] Weights, JumpFitSummary[] Summaries) Fit(int[] jumpIds, int rank, JumpItems train, JumpItems validation)
    {
        int groups = jumpIds.Length, hidden = _rows.NEmbd;
        var (a, b) = InitialWeights(jumpIds, hidden, rank);
        var (inputShift, targetShift) = Shifts(train, groups, hidden);
        using var jumps = new StackedJumps(groups, hidden, rank, a, b, inputShift, targetShift, _device.Torch);
        using var optimizer = optim.Adam(jumps.parameters(), lr: _options.LearningRate);

        int batch = Math.Min(_options.BatchSize, train.Count);
        var buffer = new JumpBatchBuffer(groups, batch + 1, hidden, inputShift, targetShift); // + 1: a leftover row joins the last batch
        var best = new JumpWeights?[groups];
        var bestLoss = Enumerable.Repeat(double.PositiveInfinity, groups).ToArray();
        var bestEpoch = new int[groups];
        var sinceBest = new int[groups];
        var epochsRun = new int[groups];
        var active = Enumerable.Range(0, groups).ToArray();

        for (int epoch = 1; epoch <= _options.Epochs && active.Length > 0; epoch++)
        {
            var clock = Stopwatch.StartNew();
            _gather.Reset();
            double[] trainLoss = TrainEpoch(jumps, optimizer, buffer, train, train.Order(epoch), active, groups);
            double[] validationLoss = Validate(jumps, buffer, validation, active, groups);
            var stillActive = new List<int>();
            foreach (int g in active)
            {
                epochsRun[g] = epoch;
                if (validationLoss[g] < bestLoss[g])
                {
                    bestLoss[g] = validationLoss[g];
                    bestEpoch[g] = epoch;
                    sinceBest[g] = 0;
                    best[g] = jumps.Export(g);
                }
                else if (++sinceBest[g] >= _options.Patience)
                {
                    continue; // stopped
                }
                stillActive.Add(g);
            }
            var activeFlags = new bool[groups];
            foreach (int g in stillActive)
                activeFlags[g] = true;
            _observer?.EpochDone(new JumpEpochReport(jumpIds, epoch, _options.Epochs, trainLoss, validationLoss, activeFlags, clock.Elapsed.TotalSeconds, _gather.Elapsed.TotalSeconds));
            active = [.. stillActive];
        }

        var summaries = new JumpFitSummary[groups];
        var weights = new JumpWeights[groups];
        for (int g = 0; g < groups; g++)
        {
            weights[g] = best[g] ?? throw new JumpTrainingException(
                $"{Describe(jumpIds[g])} diverged: its validation loss was never finite (try a smaller --lr)");
            summaries[g] = new JumpFitSummary(bestLoss[g], bestEpoch[g], epochsRun[g], epochsRun[g] < _options.Epochs);
        }
        return (weights, summaries);
    }

    public static string Describe(int jumpId) => jumpId == JumpEpochReport.Joint ? "the joint jump" : $"the jump of level {jumpId}";

    /// <summary>The per-feature references the rows are shifted by (<see cref="StackedJumps"/>, numerics): the means of
    /// up to <see cref="ShiftSamples"/> training items spread evenly over them — each jump's inputs, and the targets.
    /// Any fixed value near the typical row works; these depend on the rows only, not on the batch order.</summary>
    private (float[] Input, float[] Target) Shifts(JumpItems items, int groups, int hidden)
    {
        int samples = Math.Min(ShiftSamples, items.Count);
        var input = new double[groups * hidden];
        var target = new double[hidden];
        var row = new float[hidden];
        for (int j = 0; j < samples; j++)
        {
            int item = (int)((long)j * items.Count / samples);
            for (int g = 0; g < groups; g++)
            {
                _rows.ReadRow(items.Block(g, item), items.Row(item), row);
                Accumulate(input.AsSpan(g * hidden, hidden), row);
            }
            _rows.ReadRow(_rows.NLayer - 1, items.Row(item), row);
            Accumulate(target, row);
        }
        return (input.Select(v => (float)(v / samples)).ToArray(), target.Select(v => (float)(v / samples)).ToArray());

        static void Accumulate(Span<double> sums, float[] values)
        {
            for (int e = 0; e < values.Length; e++)
                sums[e] += values[e];
        }
    }

    private const int ShiftSamples = 256;

    /// <summary>nn.Linear's default: A (as Linear(H→r)) and B (as Linear(r→H)) uniform in ±1/√fan_in, from each
    /// jump's own seeded stream, so a jump starts the same whichever strategy trains it.</summary>
    private (float[] A, float[] B) InitialWeights(int[] jumpIds, int hidden, int rank)
    {
        int size = hidden * rank;
        var a = new float[jumpIds.Length * size];
        var b = new float[jumpIds.Length * size];
        for (int g = 0; g < jumpIds.Length; g++)
        {
            ulong seed = JumpShuffle.ForInit(_options.Seed, jumpIds[g]);
            JumpShuffle.Uniform(size, 1 / Math.Sqrt(hidden), seed).CopyTo(a, g * size);
            JumpShuffle.Uniform(size, 1 / Math.Sqrt(rank), seed ^ 0xB).CopyTo(b, g * size);
        }
        return (a, b);
    }

    private double[] TrainEpoch(StackedJumps jumps, optim.Optimizer optimizer, JumpBatchBuffer buffer, JumpItems items,
        int[] order, int[] active, int groups)
    {
        jumps.train();
        var sums = new double[groups];
        int batch = buffer.MaxRows - 1;
        int batches = Math.Max(1, order.Length / batch + (order.Length % batch >= 2 ? 1 : 0));
        using var activeIndex = ActiveIndex(active, groups, _device);
        for (int i = 0; i < batches; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            int offset = i * batch;
            int count = i == batches - 1 ? order.Length - offset : batch;
            _gather.Start();
            buffer.Fill(_rows, items, order, offset, count, active);
            _gather.Stop();
            using (var scope = NewDisposeScope())
            {
                var x = _device.Place(buffer.Inputs());
                var t = _device.Place(buffer.Targets());
                optimizer.zero_grad();
                var perJump = jumps.SquaredError(jumps.Low(x, activeIndex), t, activeIndex).mean([1]); // eq. 2 per jump: [g]
                perJump.sum().backward();
                optimizer.step();
                var losses = TorchDevice.ToHost(perJump.detach()).data<double>().ToArray();
                for (int j = 0; j < active.Length; j++)
                    sums[active[j]] += losses[j] * count;
            }
            _steps++;
            _observer?.StepDone(_steps);
        }
        return Means(sums, order.Length, active, groups);
    }

    private double[] Validate(StackedJumps jumps, JumpBatchBuffer buffer, JumpItems items, int[] active, int groups)
    {
        jumps.eval();
        var sums = new double[groups];
        int[] all = Enumerable.Range(0, items.Count).ToArray();
        using var activeIndex = ActiveIndex(active, groups, _device);
        using var noGrad = no_grad();
        for (int offset = 0; offset < all.Length; offset += buffer.MaxRows)
        {
            _cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(buffer.MaxRows, all.Length - offset);
            _gather.Start();
            buffer.Fill(_rows, items, all, offset, count, active);
            _gather.Stop();
            using var scope = NewDisposeScope();
            var errors = jumps.SquaredError(jumps.Low(_device.Place(buffer.Inputs()), activeIndex), _device.Place(buffer.Targets()), activeIndex);
            var perJump = errors.sum([1]);
            var values = TorchDevice.ToHost(perJump).data<double>().ToArray();
            for (int j = 0; j < active.Length; j++)
                sums[active[j]] += values[j];
        }
        return Means(sums, all.Length, active, groups);
    }

    private static double[] Means(double[] sums, int count, int[] active, int groups)
    {
        var means = Enumerable.Repeat(double.NaN, groups).ToArray();
        foreach (int g in active)
            means[g] = sums[g] / count;
        return means;
    }

    /// <summary>null when every jump is active (no index_select needed).</summary>
    private static Tensor? ActiveIndex(int[] active, int groups, TorchDevice device) =>
        active.Length == groups ? null : tensor(active.Select(g => (long)g).ToArray(), ScalarType.Int64, device: device.Torch);
}
